import type { Redis } from 'ioredis';
import { key } from './redis';

/** Ids a command carries at most. */
const CHUNK = 1000;

/** Per id and earlier time ('' for none): back to the earlier time, or out, while the id still holds ARGV[1]. */
const TAKE_BACK = `
for i = 2, #ARGV, 2 do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) == tonumber(ARGV[1]) then
    if ARGV[i + 1] == '' then redis.call('ZREM', KEYS[1], ARGV[i]) else redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i]) end
  end
end
return 0`;

/** Takes back the count of the users the WFM did not deactivate after all. */
export type TakeBack = (oktaIds: readonly string[]) => Promise<void>;

/**
 * When off-boarding deactivated each user on its own (not by an approved plan), for the guards'
 * window (DEACTIVATION_WINDOW): a sorted set of Okta ids scored by the time of the deactivation.
 * A user deactivated again later counts once, at its latest time.
 */
export type RecentDeactivations = {
  /** Deactivations at or after `since` (epoch ms). Reads only: a dry run may ask. */
  countSince(since: number): Promise<number>;
  /**
   * Counts these users as deactivated at `at`, before the call that deactivates them (so a crash or
   * a Redis outage after the call cannot leave a deactivation uncounted), and drops the records
   * older than `keepSince`. Answers how to take back the count of those the WFM then did not
   * deactivate: each goes back to its earlier time, or out of the set when it had none.
   */
  reserve(oktaIds: readonly string[], at: number, keepSince?: number): Promise<TakeBack>;
  /** Forgets them all: an admin approved a plan after reviewing them. */
  clear(): Promise<void>;
};

export function createRecentDeactivations(redis: Redis, prefix: string): RecentDeactivations {
  const setKey = key(prefix, 'offboard', 'recent-deactivations');
  return {
    countSince: (since) => redis.zcount(setKey, since, '+inf'),
    async reserve(oktaIds, at, keepSince) {
      const earlier = new Map<string, number>();
      for (let i = 0; i < oktaIds.length; i += CHUNK) {
        const chunk = oktaIds.slice(i, i + CHUNK);
        const scores = await redis.zmscore(setKey, ...chunk);
        chunk.forEach((id, j) => {
          const score = scores[j];
          if (score !== null && score !== undefined && (keepSince === undefined || Number(score) >= keepSince)) earlier.set(id, Number(score));
        });
        await redis.zadd(setKey, ...chunk.flatMap((id) => [at, id]));
      }
      if (keepSince !== undefined) await redis.zremrangebyscore(setKey, '-inf', `(${keepSince}`);
      // Each only while it still holds this reservation's time: a later reservation (another run)
      // or a clear (an approved plan) since is never undone.
      return async (notDeactivated) => {
        for (let i = 0; i < notDeactivated.length; i += CHUNK) {
          const chunk = notDeactivated.slice(i, i + CHUNK);
          await redis.eval(TAKE_BACK, 1, setKey, String(at), ...chunk.flatMap((id) => [id, String(earlier.get(id) ?? '')]));
        }
      };
    },
    async clear() {
      await redis.del(setKey);
    },
  };
}
