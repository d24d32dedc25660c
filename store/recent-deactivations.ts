import type { Redis } from 'ioredis';
import { key } from './redis';

/** Ids a command carries at most. */
const CHUNK = 1000;

/**
 * When off-boarding deactivated each user on its own (not by an approved plan), for the guards'
 * window (DEACTIVATION_WINDOW): a sorted set of Okta ids scored by the time of the deactivation.
 * A user deactivated again later counts once, at its latest time.
 */
export type RecentDeactivations = {
  /** Deactivations at or after `since` (epoch ms). Reads only: a dry run may ask. */
  countSince(since: number): Promise<number>;
  /** Records deactivations at `at`, and drops those older than `keepSince`. */
  record(oktaIds: readonly string[], at: number, keepSince?: number): Promise<void>;
  /** Forgets them all: an admin approved a plan after reviewing them. */
  clear(): Promise<void>;
};

export function createRecentDeactivations(redis: Redis, prefix: string): RecentDeactivations {
  const setKey = key(prefix, 'offboard', 'recent-deactivations');
  return {
    countSince: (since) => redis.zcount(setKey, since, '+inf'),
    async record(oktaIds, at, keepSince) {
      for (let i = 0; i < oktaIds.length; i += CHUNK) {
        const args = oktaIds.slice(i, i + CHUNK).flatMap((id) => [at, id]);
        await redis.zadd(setKey, ...args);
      }
      if (keepSince !== undefined) await redis.zremrangebyscore(setKey, '-inf', `(${keepSince}`);
    },
    async clear() {
      await redis.del(setKey);
    },
  };
}
