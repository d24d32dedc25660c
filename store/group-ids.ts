import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { GroupIdCache } from '../clients/okta-groups';
import { key } from './redis';

/**
 * How long a group name's ids are trusted. Longer than the daily full sync's interval, so the
 * default schedule looks a name up once a week, not on every full run. A deleted group is seen at
 * once (its listing answers 404); a group renamed, or a second one given the same name, within a week.
 */
export const GROUP_IDS_TTL_MS = 7 * 24 * 3600 * 1000;

const entrySchema = z.object({ ids: z.array(z.string().min(1)).min(1), at: z.number().int() }).strict();

/**
 * The Okta group ids each configured group name resolved to, in one hash (`<prefix>:okta:group-ids`,
 * name -> `{"ids": [...], "at": epoch ms}`). Redis 7.0 has no expiry per hash field, so the age is
 * stored and checked on read: an entry older than the TTL reads as absent and the next lookup
 * overwrites it. An unreadable entry reads as absent too.
 */
export function createGroupIdCache(redis: Redis, prefix: string, opts: { ttlMs?: number; now?: () => number } = {}): GroupIdCache {
  const hashKey = key(prefix, 'okta', 'group-ids');
  const ttlMs = opts.ttlMs ?? GROUP_IDS_TTL_MS;
  const now = opts.now ?? (() => Date.now());
  return {
    async get(name) {
      const raw = await redis.hget(hashKey, name);
      if (raw === null) return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        return undefined;
      }
      const entry = entrySchema.safeParse(parsed);
      if (!entry.success) return undefined;
      const age = now() - entry.data.at;
      return age >= 0 && age < ttlMs ? entry.data.ids : undefined;
    },
    async set(name, ids) {
      await redis.hset(hashKey, name, JSON.stringify({ ids: [...ids], at: now() }));
    },
    async forget(name) {
      await redis.hdel(hashKey, name);
    },
  };
}
