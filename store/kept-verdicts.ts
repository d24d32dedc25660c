import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Verdicts } from '../sync/kept-answers';
import { key } from './redis';

/**
 * What the WFM's answers to writes showed, per owned path: whether it kept the value sent, and
 * when (sync/unkept.ts). Kept for one WFM: a record made for another WFM_SCIM_URL reads as none,
 * and the `custom.` paths of one made for another custom extension URN are left out.
 */
export type VerdictStore = {
  load(where: VerdictScope): Promise<KeptRecord>;
  /** Replaces the record (the caller has loaded it, and changes its part). */
  save(where: VerdictScope, record: KeptRecord): Promise<void>;
};

/** The verdicts, and the paths the last read of the whole scope (not a dry run) showed missing. */
export type KeptRecord = Readonly<{ verdicts: Verdicts; missing: readonly string[] }>;

/** The WFM and the mapping's custom extension URN the answers came from. */
export type VerdictScope = Readonly<{ scimUrl: string; customSchema?: string | undefined }>;

const recordSchema = z.object({
  scimUrl: z.string(),
  customSchema: z.string().optional(),
  verdicts: z.record(z.string(), z.object({ kept: z.boolean(), at: z.number() })),
  missing: z.array(z.string()).default([]),
});

const NOTHING: KeptRecord = { verdicts: {}, missing: [] };
const isCustom = (path: string): boolean => path.startsWith('custom.');

export function createVerdictStore(redis: Redis, prefix: string): VerdictStore {
  const verdictKey = key(prefix, 'wfm', 'kept');
  const load = async (where: VerdictScope): Promise<KeptRecord> => {
    const raw = await redis.get(verdictKey);
    if (raw === null) return NOTHING;
    try {
      const record = recordSchema.parse(JSON.parse(raw));
      if (record.scimUrl !== where.scimUrl) return NOTHING;
      if (record.customSchema === where.customSchema) return { verdicts: record.verdicts, missing: record.missing };
      return { verdicts: Object.fromEntries(Object.entries(record.verdicts).filter(([path]) => !isCustom(path))), missing: record.missing.filter((path) => !isCustom(path)) };
    } catch {
      return NOTHING;
    }
  };
  return {
    load,
    async save(where, record) {
      await redis.set(verdictKey, JSON.stringify({ scimUrl: where.scimUrl, ...(where.customSchema !== undefined ? { customSchema: where.customSchema } : {}), verdicts: record.verdicts, missing: record.missing }));
    },
  };
}
