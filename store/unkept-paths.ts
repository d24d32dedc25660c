import type { Redis } from 'ioredis';
import { z } from 'zod';
import { key } from './redis';

/** The owned paths the last read of the whole scope found the WFM does not keep (sync/unkept.ts), and where and when. */
export type UnkeptRecord = Readonly<{ paths: readonly string[]; scimUrl: string; runId: string; at: string }>;

export type UnkeptStore = {
  /** Replaces the record; an empty list removes it. */
  save(record: UnkeptRecord): Promise<void>;
  /** The paths recorded for this WFM; none when nothing is recorded, the record is unreadable or was made for another WFM. */
  load(scimUrl: string): Promise<string[]>;
};

const recordSchema = z.object({ paths: z.array(z.string()), scimUrl: z.string(), runId: z.string(), at: z.string() });

/**
 * Kept for runs that read only a few users (incremental, one-user resync), which cannot tell by
 * themselves. Each full read replaces it, so it holds only while the evidence does.
 */
export function createUnkeptStore(redis: Redis, prefix: string): UnkeptStore {
  const unkeptKey = key(prefix, 'wfm', 'unkept');
  return {
    async save(record) {
      if (record.paths.length === 0) await redis.del(unkeptKey);
      else await redis.set(unkeptKey, JSON.stringify(record));
    },
    async load(scimUrl) {
      const raw = await redis.get(unkeptKey);
      if (raw === null) return [];
      try {
        const record = recordSchema.parse(JSON.parse(raw));
        return record.scimUrl === scimUrl ? record.paths : [];
      } catch {
        return [];
      }
    },
  };
}
