import type { Mapping } from '../config/mapping';
import { normalise } from '../mappers/scim-merge';
import { readPath } from '../mappers/scim-paths';
import type { Action, Change, WfmUser } from './types';

/**
 * Owned attributes the WFM does not keep. A WFM tenant drops an optional attribute it has not
 * enabled (a SCIM server may ignore what it does not store, RFC 7644 §3.3): sent again, it is
 * dropped again, so every run would write every user for it. The evidence is in a read of the
 * whole scope: at least MIN_USERS users lack a value this sync wrote to them while Okta still has
 * it (the change's side is the WFM's), and no WFM user read holds any value there. One user an
 * admin cleared is not enough, and a WFM that keeps the attribute for anyone keeps it.
 */
export const MIN_UNKEPT_USERS = 3;

/** A value we wrote that the WFM no longer holds, Okta unchanged. */
const lostValue = (c: Change): boolean => c.side === 'wfm' && normalise(c.path, c.from) === undefined && normalise(c.path, c.to) !== undefined;

const withChanges = (a: Action): a is Extract<Action, { type: 'update' | 'reactivate' }> => a.type === 'update' || a.type === 'reactivate';

/** The owned paths the WFM does not keep, judged from a classified plan and the WFM users read for it (the whole scope). */
export function findUnkept(actions: readonly Action[], current: readonly WfmUser[], mapping: Mapping): string[] {
  const lost = new Map<string, number>();
  for (const a of actions) {
    if (!withChanges(a)) continue;
    for (const c of a.changes) if (lostValue(c)) lost.set(c.path, (lost.get(c.path) ?? 0) + 1);
  }
  const candidates = [...lost].filter(([, users]) => users >= MIN_UNKEPT_USERS).map(([path]) => path);
  const held = (path: string): boolean => current.some((u) => normalise(path, readPath(u.raw, path, mapping.customSchema)) !== undefined);
  return candidates.filter((path) => !held(path)).sort();
}

/** Whether a classified change only puts back a value the WFM dropped at a path it does not keep. */
export const putsBackUnkept = (c: Change, unkept: ReadonlySet<string> | readonly string[]): boolean =>
  (unkept instanceof Set ? unkept.has(c.path) : (unkept as readonly string[]).includes(c.path)) && lostValue(c);

/**
 * Leaves out of the plan the changes that only put back a value the WFM does not keep. A change
 * Okta made is still written (the WFM may keep it one day, and the value sent is then right); an
 * update left with no change is a noop. A reactivation stays, for its revive.
 */
export function dropUnkept(actions: readonly Action[], unkept: readonly string[]): Action[] {
  if (unkept.length === 0) return [...actions];
  const paths = new Set(unkept);
  return actions.map((a): Action => {
    if (!withChanges(a)) return a;
    const changes = a.changes.filter((c) => !putsBackUnkept(c, paths));
    if (changes.length === a.changes.length) return a;
    if (a.type === 'update' && changes.length === 0) {
      return { type: 'noop', oktaId: a.oktaId, userName: a.userName, wfmId: a.wfmId, reason: `up to date in what the WFM keeps (it does not keep ${a.changes.map((c) => c.path).join(', ')})` };
    }
    return { ...a, changes };
  });
}
