import { holdsSent } from '../mappers/scim-merge';
import { readPath } from '../mappers/scim-paths';
import type { LastWritten } from './stored-forms';
import type { Action } from './types';

// Of several entries of one type (a work email of ours, and one an admin added beside it), the diff
// reads the one holding Okta's value as ours, else the first of the type. When Okta's value changes,
// none holds it, and the first may be the admin's: overwritten, while ours stayed. The value we last
// wrote tells which is ours. Pure: the last-written values come in as input.

/** Owned paths that select one entry of a multi-valued attribute by its type. */
const BY_TYPE = /^(emails|phoneNumbers)\./;

/**
 * Gives each update and reactivation whose change to such a path would read another entry than the
 * one holding the value we last wrote there that value (`lastSent`), and reads the change from it:
 * the write replaces our entry, the admin's stays, and the change is told as Okta's, not as an edit.
 */
export function withLastSent(actions: readonly Action[], last: ReadonlyMap<string, LastWritten>): Action[] {
  return actions.map((a): Action => {
    if ((a.type !== 'update' && a.type !== 'reactivate') || a.changes.length === 0) return a;
    const values = last.get(a.oktaId)?.values;
    if (values === undefined) return a;
    const lastSent: Record<string, string> = {};
    const changes = a.changes.map((c) => {
      const sent = values[c.path];
      if (!BY_TYPE.test(c.path) || typeof sent !== 'string' || holdsSent(c.path, c.from, sent)) return c;
      const from = readPath(a.current.raw, c.path, undefined, c.to, sent);
      if (!holdsSent(c.path, from, sent)) return c; // no entry holds it: nothing tells ours apart
      lastSent[c.path] = sent;
      return { ...c, from };
    });
    return Object.keys(lastSent).length === 0 ? a : { ...a, changes, lastSent };
  });
}
