import type { Redis } from 'ioredis';
import { key } from './redis';

/**
 * When each Okta user was first seen out of scope (Okta id -> epoch ms), for OFFBOARD_GRACE. A mark
 * is set once and kept until the user is back in scope or deactivated, so the grace period counts
 * from the first sighting, not the latest.
 */
export type OutOfScopeMarks = {
  all(): Promise<Map<string, number>>;
  /** Sets `at` for ids that have no mark yet; existing marks stay. */
  mark(oktaIds: readonly string[], at: number): Promise<void>;
  clear(oktaIds: readonly string[]): Promise<void>;
};

export function createOutOfScopeMarks(redis: Redis, prefix: string): OutOfScopeMarks {
  const hashKey = key(prefix, 'offboard', 'out-since');
  return {
    async all() {
      const raw = await redis.hgetall(hashKey);
      const marks = new Map<string, number>();
      for (const [id, at] of Object.entries(raw)) {
        const ms = Number(at);
        if (Number.isFinite(ms)) marks.set(id, ms);
      }
      return marks;
    },
    async mark(oktaIds, at) {
      if (oktaIds.length === 0) return;
      const multi = redis.multi();
      for (const id of oktaIds) multi.hsetnx(hashKey, id, String(at));
      await multi.exec();
    },
    async clear(oktaIds) {
      if (oktaIds.length > 0) await redis.hdel(hashKey, ...oktaIds);
    },
  };
}
