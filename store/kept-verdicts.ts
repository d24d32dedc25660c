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

/**
 * The verdicts, the paths the last read of the whole scope (not a dry run) showed missing, and
 * what the answers to updates showed of the changes written, per path (`changes`: `kept` false
 * where the WFM answered them with the value held before: sync/unchangeable.ts).
 */
export type KeptRecord = Readonly<{ verdicts: Verdicts; missing: readonly string[]; changes?: Verdicts }>;

/** The WFM and the mapping's custom extension URN the answers came from. */
export type VerdictScope = Readonly<{ scimUrl: string; customSchema?: string | undefined }>;

const verdictSchema = z.object({ kept: z.boolean(), at: z.number() });
const recordSchema = z.object({
  scimUrl: z.string(),
  customSchema: z.string().optional(),
  verdicts: z.record(z.string(), verdictSchema),
  missing: z.array(z.string()).default([]),
  changes: z.record(z.string(), verdictSchema).default({}),
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
      const same = record.customSchema === where.customSchema;
      const ours = (verdicts: Verdicts): Verdicts => (same ? verdicts : Object.fromEntries(Object.entries(verdicts).filter(([path]) => !isCustom(path))));
      const changes = ours(record.changes);
      return { verdicts: ours(record.verdicts), missing: same ? record.missing : record.missing.filter((path) => !isCustom(path)), ...(Object.keys(changes).length > 0 ? { changes } : {}) };
    } catch {
      return NOTHING;
    }
  };
  return {
    load,
    async save(where, record) {
      await redis.set(verdictKey, JSON.stringify({ scimUrl: where.scimUrl, ...(where.customSchema !== undefined ? { customSchema: where.customSchema } : {}), verdicts: record.verdicts, missing: record.missing, changes: record.changes ?? {} }));
    },
  };
}
