import type { Mapping } from '../config/mapping';
import { holdsSent, normalise } from '../mappers/scim-merge';
import { readAnswer } from './kept-answers';
import type { Action, Change, DesiredUser, ScimResource, StoredForms } from './types';

// A WFM may store a value otherwise than it was sent: cut to its column's length, with characters
// it cannot store replaced, rewritten by a rule of its own. Compared with Okta's value, the user
// would be written again on every run, and each time the WFM would store the same thing. So the
// form the WFM answered a write with is kept beside the value sent (store/owned-values.ts), and a
// difference that is only that form is not written again. Pure: answers and records come in.

/**
 * The owned values the WFM's answer to a write (its user as stored) holds in another form than
 * they were sent: path -> the form it holds. A value the answer lacks is not a form (sync/unkept.ts
 * judges those), a value held as sent is not one either, and the link is never one.
 */
export const formsFrom = (answer: Readonly<ScimResource>, desired: DesiredUser, mapping: Mapping): Record<string, string> => readAnswer(answer, desired, mapping).forms;

/** What we last wrote or confirmed for one user (null: not set), and the forms the WFM stores some of them in. */
export type LastWritten = Readonly<{ values: Readonly<Record<string, string | null>>; forms?: StoredForms }>;

/**
 * Whether a planned change only puts back a value the WFM stores in its own form: Okta still maps
 * to what we last sent, and the WFM still holds the form it answered that with.
 */
export function heldAsStored(change: Change, last: LastWritten | undefined): boolean {
  const form = last?.forms?.[change.path];
  if (form === undefined || !(change.path in last!.values)) return false;
  const sent = last!.values[change.path] ?? undefined;
  return normalise(change.path, change.to) === normalise(change.path, sent) && holdsSent(change.path, change.from, form);
}

/**
 * Leaves out of a plan the changes that are only a stored form (heldAsStored). An update left with
 * none is a noop that carries the forms, so that confirming it keeps them; a reactivation stays.
 */
export function leaveOutStoredForms(actions: readonly Action[], last: ReadonlyMap<string, LastWritten>): Action[] {
  return actions.map((a): Action => {
    if ((a.type !== 'update' && a.type !== 'reactivate') || a.changes.length === 0) return a;
    const record = last.get(a.oktaId);
    if (record?.forms === undefined) return a;
    const held = a.changes.filter((c) => heldAsStored(c, record));
    if (held.length === 0) return a;
    const changes = a.changes.filter((c) => !held.includes(c));
    if (changes.length > 0 || a.type === 'reactivate') return { ...a, changes, ...(a.type === 'update' && !a.link ? { reason: `${changes.length} attribute(s) differ` } : {}) };
    const forms = Object.fromEntries(held.map((c) => [c.path, record.forms?.[c.path] as string]));
    return { type: 'noop', oktaId: a.oktaId, userName: a.userName, wfmId: a.wfmId, reason: 'up to date (the WFM stores some values in a form of its own)', forms };
  });
}
