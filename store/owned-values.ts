import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { OwnedValues } from '../sync/drift';
import { key } from './redis';

/** Users per Redis command: one HSET or HMGET carries this many, so 100k users are 100 round trips. */
const CHUNK = 1000;

export type OwnedEntry = Readonly<{ oktaId: string; values: OwnedValues }>;

/**
 * The owned values we last wrote or confirmed, per linked user, so a run can tell an edit made in
 * the WFM (drift) from a change in Okta.
 */
export type OwnedValuesStore = {
  record(entries: readonly OwnedEntry[]): Promise<void>;
  /** The records of these users; a user with none is absent from the map. */
  read(oktaIds: readonly string[]): Promise<Map<string, OwnedValues>>;
};

/**
 * Kept compact for 100k users: one hash field per user holding a JSON array of the values only,
 * `[layout, v1, v2, ...]`, where `layout` names the list of paths (stored once per mapping in a
 * second hash). Paths are sorted, so one mapping always gives one layout.
 */
export function createOwnedValues(redis: Redis, prefix: string): OwnedValuesStore {
  const valuesKey = key(prefix, 'owned', 'values');
  const layoutsKey = key(prefix, 'owned', 'layouts');
  const layouts = new Map<string, readonly string[]>();

  const layoutOf = (paths: readonly string[]): string => createHash('sha256').update(paths.join('\n')).digest('base64url').slice(0, 10);

  async function loadLayouts(ids: Iterable<string>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !layouts.has(id));
    if (missing.length === 0) return;
    const raw = await redis.hmget(layoutsKey, ...missing);
    missing.forEach((id, i) => {
      const text = raw[i];
      if (typeof text === 'string') layouts.set(id, JSON.parse(text) as string[]);
    });
  }

  return {
    async record(entries) {
      for (let i = 0; i < entries.length; i += CHUNK) {
        const fields: Record<string, string> = {};
        const used: Record<string, string> = {};
        for (const { oktaId, values } of entries.slice(i, i + CHUNK)) {
          const paths = Object.keys(values).sort();
          const layout = layoutOf(paths);
          used[layout] = JSON.stringify(paths);
          layouts.set(layout, paths);
          fields[oktaId] = JSON.stringify([layout, ...paths.map((p) => values[p] ?? null)]);
        }
        if (Object.keys(fields).length === 0) continue;
        // The layout goes with its records in one round trip, so a record never names a missing layout.
        const results = await redis.pipeline().hset(layoutsKey, used).hset(valuesKey, fields).exec();
        const failed = results?.find(([err]) => err !== null)?.[0];
        if (failed) throw failed;
      }
    },
    async read(oktaIds) {
      const out = new Map<string, OwnedValues>();
      for (let i = 0; i < oktaIds.length; i += CHUNK) {
        const ids = oktaIds.slice(i, i + CHUNK);
        const raw = await redis.hmget(valuesKey, ...ids);
        const rows: [string, unknown[]][] = [];
        ids.forEach((id, j) => {
          const text = raw[j];
          if (typeof text !== 'string') return;
          try {
            const row = JSON.parse(text) as unknown;
            if (Array.isArray(row) && typeof row[0] === 'string') rows.push([id, row]);
          } catch {
            // An unreadable record is no record: its changes are classified as unknown.
          }
        });
        await loadLayouts(rows.map(([, row]) => row[0] as string));
        for (const [id, [layout, ...vals]] of rows) {
          const paths = layouts.get(layout as string);
          if (!paths || paths.length !== vals.length) continue;
          const values: Record<string, string | null> = {};
          paths.forEach((p, j) => {
            const v = vals[j];
            values[p] = typeof v === 'string' ? v : null;
          });
          out.set(id, values);
        }
      }
      return out;
    },
  };
}
