import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { OwnedValues } from '../sync/drift';
import type { LastWritten } from '../sync/stored-forms';
import type { StoredForms } from '../sync/types';
import { key } from './redis';

/** Users per Redis command: one HSET, HMGET, HSCAN or HDEL carries this many, so 100k users are 100 round trips. */
const CHUNK = 1000;

/** `forms`: the values the WFM answered in a form of its own (sync/stored-forms.ts). */
export type OwnedEntry = Readonly<{ oktaId: string; values: OwnedValues; forms?: StoredForms }>;

/**
 * The owned values we last wrote or confirmed, per linked user, so a run can tell an edit made in
 * the WFM (drift) from a change in Okta.
 */
export type OwnedValuesStore = {
  record(entries: readonly OwnedEntry[]): Promise<void>;
  /** The records of these users; a user with none is absent from the map. */
  read(oktaIds: readonly string[]): Promise<Map<string, OwnedValues>>;
  /** The same records with the forms the WFM stores some of their values in. */
  records(oktaIds: readonly string[]): Promise<Map<string, LastWritten>>;
  /**
   * Removes the records of every user not in `keep`, a chunk at a time; answers how many went. A
   * record written meanwhile for a user outside `keep` may go too: that user then has no record.
   */
  prune(keep: ReadonlySet<string>): Promise<number>;
};

/**
 * The two hashes of the store, kept compact for 100k users: one field per user holding a JSON
 * array of the values only, `[layout, v1, v2, ...]`, where `layout` names the list of paths
 * (stored once per mapping in the second hash). Paths are sorted, so one mapping always gives one
 * layout. A value the WFM stores in a form of its own is the pair `[sent, stored]` (a reader that
 * knows no pairs takes it as no value).
 */
export const ownedKeys = (prefix: string): { values: string; layouts: string } => ({ values: key(prefix, 'owned', 'values'), layouts: key(prefix, 'owned', 'layouts') });

type Layout = Readonly<{ id: string; json: string }>;

/** Layouts by joined path list: a mapping has one, so it is hashed and encoded once per process. */
const knownLayouts = new Map<string, Layout>();
function layoutOf(paths: readonly string[]): Layout {
  const joined = paths.join('\n');
  let layout = knownLayouts.get(joined);
  if (layout === undefined) {
    layout = { id: createHash('sha256').update(joined).digest('base64url').slice(0, 10), json: JSON.stringify(paths) };
    if (knownLayouts.size < 1000) knownLayouts.set(joined, layout);
  }
  return layout;
}

/** The hash fields that record these entries: one row per user, and the layouts the rows name. */
export function encodeOwned(entries: readonly OwnedEntry[]): { rows: Record<string, string>; layouts: Record<string, string> } {
  const rows: Record<string, string> = {};
  const layouts: Record<string, string> = {};
  for (const { oktaId, values, forms } of entries) {
    const paths = Object.keys(values).sort();
    const layout = layoutOf(paths);
    layouts[layout.id] = layout.json;
    const valueAt = (p: string): string | null | [string, string] => {
      const v = values[p] ?? null;
      const form = forms?.[p];
      return v !== null && form !== undefined ? [v, form] : v;
    };
    rows[oktaId] = JSON.stringify([layout.id, ...paths.map(valueAt)]);
  }
  return { rows, layouts };
}

export function createOwnedValues(redis: Redis, prefix: string): OwnedValuesStore {
  const { values: valuesKey, layouts: layoutsKey } = ownedKeys(prefix);
  const layouts = new Map<string, readonly string[]>();

  async function loadLayouts(ids: Iterable<string>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !layouts.has(id));
    if (missing.length === 0) return;
    const raw = await redis.hmget(layoutsKey, ...missing);
    missing.forEach((id, i) => {
      const text = raw[i];
      if (typeof text === 'string') layouts.set(id, JSON.parse(text) as string[]);
    });
  }

  async function records(oktaIds: readonly string[]): Promise<Map<string, LastWritten>> {
    const out = new Map<string, LastWritten>();
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
        const forms: Record<string, string> = {};
        paths.forEach((p, j) => {
          const v = vals[j];
          if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') [values[p], forms[p]] = [v[0], v[1]];
          else values[p] = typeof v === 'string' ? v : null;
        });
        out.set(id, Object.keys(forms).length > 0 ? { values, forms } : { values });
      }
    }
    return out;
  }

  return {
    async record(entries) {
      for (let i = 0; i < entries.length; i += CHUNK) {
        const { rows, layouts: used } = encodeOwned(entries.slice(i, i + CHUNK));
        if (Object.keys(rows).length === 0) continue;
        // The layout goes with its records in one round trip, so a record never names a missing layout.
        const results = await redis.pipeline().hset(layoutsKey, used).hset(valuesKey, rows).exec();
        const failed = results?.find(([err]) => err !== null)?.[0];
        if (failed) throw failed;
      }
    },
    async read(oktaIds) {
      return new Map([...(await records(oktaIds))].map(([id, r]) => [id, r.values]));
    },
    records,
    async prune(keep) {
      let removed = 0;
      let cursor = '0';
      do {
        const [next, flat] = await redis.hscan(valuesKey, cursor, 'COUNT', CHUNK);
        cursor = next;
        const gone = flat.filter((field, i) => i % 2 === 0 && !keep.has(field));
        if (gone.length > 0) removed += await redis.hdel(valuesKey, ...gone);
      } while (cursor !== '0');
      return removed;
    },
  };
}
