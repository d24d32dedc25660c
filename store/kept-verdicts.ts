import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Verdict, Verdicts } from '../sync/unkept';
import { key } from './redis';

/**
 * What the WFM's answers to writes showed, per owned path: whether it kept the value sent, and
 * when (sync/unkept.ts). Kept for one WFM: a record made for another WFM_SCIM_URL reads as none,
 * and the `custom.` paths of one made for another custom extension URN are left out.
 */
export type VerdictStore = {
  load(where: VerdictScope): Promise<Verdicts>;
  save(where: VerdictScope, verdicts: Readonly<Record<string, Verdict>>): Promise<void>;
};

/** The WFM and the mapping's custom extension URN the answers came from. */
export type VerdictScope = Readonly<{ scimUrl: string; customSchema?: string | undefined }>;

const recordSchema = z.object({
  scimUrl: z.string(),
  customSchema: z.string().optional(),
  verdicts: z.record(z.string(), z.object({ kept: z.boolean(), at: z.number() })),
});

export function createVerdictStore(redis: Redis, prefix: string): VerdictStore {
  const verdictKey = key(prefix, 'wfm', 'kept');
  return {
    async load(where) {
      const raw = await redis.get(verdictKey);
      if (raw === null) return {};
      try {
        const record = recordSchema.parse(JSON.parse(raw));
        if (record.scimUrl !== where.scimUrl) return {};
        if (record.customSchema === where.customSchema) return record.verdicts;
        return Object.fromEntries(Object.entries(record.verdicts).filter(([path]) => !path.startsWith('custom.')));
      } catch {
        return {};
      }
    },
    async save(where, verdicts) {
      await redis.set(verdictKey, JSON.stringify({ scimUrl: where.scimUrl, ...(where.customSchema !== undefined ? { customSchema: where.customSchema } : {}), verdicts }));
    },
  };
}
