import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { IncrementalCursor } from '../sync/incremental-cursor';
import { key } from './redis';

/** The stored cursor and its raw text (what a save compares against); `cursor` is absent when unreadable. */
export type StoredCursor = { cursor?: IncrementalCursor; raw: string };

export type CursorStore = {
  load(): Promise<StoredCursor | undefined>;
  /**
   * Saves `next` only if the stored value is still `expected` (the raw text loaded, or undefined
   * for none): a run never overwrites a cursor another run moved meanwhile. Answers whether it saved.
   */
  save(next: IncrementalCursor, expected: string | undefined): Promise<boolean>;
};

const iso = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO time');

const cursorSchema = z
  .object({
    version: z.literal(1),
    baselineAt: iso,
    logSince: iso,
    logNext: z.string().optional(),
    logEventAt: iso.optional(),
    seenUuids: z.array(z.string()),
    watermark: iso,
    recent: z.record(z.string(), z.string()),
    retry: z.array(z.string()),
    savedAt: iso,
  })
  .strict();

// Compare-and-set in one step, so two runs that overlap cannot both move the cursor.
const SAVE_IF_UNCHANGED = `
local current = redis.call('GET', KEYS[1])
if (current == false and ARGV[1] == '') or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0`;

/** The incremental sync's cursor: where the System Log and the lastUpdated watermark were left. */
export function createCursorStore(redis: Redis, prefix: string): CursorStore {
  const cursorKey = key(prefix, 'incremental', 'cursor');
  return {
    async load() {
      const raw = await redis.get(cursorKey);
      if (raw === null) return undefined;
      try {
        const parsed = cursorSchema.safeParse(JSON.parse(raw));
        return parsed.success ? { cursor: parsed.data, raw } : { raw };
      } catch {
        return { raw };
      }
    },
    async save(next, expected) {
      const result = await redis.eval(SAVE_IF_UNCHANGED, 1, cursorKey, expected ?? '', JSON.stringify(next));
      return result === 1;
    },
  };
}
