import type { Redis } from 'ioredis';
import { key } from './redis';

/** Ids a command carries at most. */
const CHUNK = 1000;

/**
 * The Okta ids this deployment has seen in scope (in a complete pull, an incremental run or a
 * one-user resync). Off-boarding deactivates only users it has seen: a WFM user whose externalId
 * is an Okta id it never saw in scope was linked by something else (another app's sync, an earlier
 * integration) and is not its to deactivate.
 */
export type SeenInScope = {
  add(oktaIds: readonly string[]): Promise<void>;
  /** Which of these ids were seen. */
  seen(oktaIds: readonly string[]): Promise<Set<string>>;
};

export function createSeenInScope(redis: Redis, prefix: string): SeenInScope {
  const setKey = key(prefix, 'okta', 'seen-in-scope');
  return {
    async add(oktaIds) {
      for (let i = 0; i < oktaIds.length; i += CHUNK) await redis.sadd(setKey, ...oktaIds.slice(i, i + CHUNK));
    },
    async seen(oktaIds) {
      const found = new Set<string>();
      for (let i = 0; i < oktaIds.length; i += CHUNK) {
        const chunk = oktaIds.slice(i, i + CHUNK);
        // SISMEMBER each (SMISMEMBER needs Redis 6.2), in one round trip.
        const pipeline = redis.pipeline();
        for (const id of chunk) pipeline.sismember(setKey, id);
        const member = (await pipeline.exec()) ?? [];
        chunk.forEach((id, j) => {
          if (member[j]?.[1] === 1) found.add(id);
        });
      }
      return found;
    },
  };
}
