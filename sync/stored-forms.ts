import { holdsSent, normalise } from '../mappers/scim-merge';
import type { Action, Change, StoredForms } from './types';

// A WFM may store a value otherwise than it was sent: cut to its column's length, with characters
// it cannot store replaced, rewritten by a rule of its own. Compared with Okta's value, the user
// would be written again on every run, and each time the WFM would store the same thing. So the
// form the WFM answered a write with is kept beside the value sent (store/owned-values.ts), and a
// difference that is only that form is not written again. Pure: answers and records come in.

/**
 * Never held in a form of the WFM's own: the link must be exactly the Okta id (a WFM that changes it
 * has lost the link, and linking again is what puts it back), and a role is an entitlement.
 */
const EXACT = new Set(['externalId', 'roles.primary']);

/** What a character comes to in a store that keeps no case or accents. */
const folded = (ch: string): string => ch.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
/** What a store puts for a character it cannot hold. */
const REPLACEMENTS = new Set(['?', '\ufffd']);

/**
 * Whether `held` is what a WFM that cannot store `sent` whole makes of it: the value cut short, with
 * characters it cannot hold replaced ("?", U+FFFD) or folded (case, accents), character for
 * character, and nothing else (`cut: false`: not cut short either). Any other difference (another
 * value altogether: a write the WFM ignored, a rule of its own) is not a stored form, and is
 * written again as any difference is.
 */
export function isStoredForm(path: string, sent: string | undefined, held: string | undefined, opts: { cut?: boolean } = {}): boolean {
  if (EXACT.has(path) || sent === undefined || held === undefined) return false;
  const form = [...held.trim().normalize('NFC')];
  if (form.length === 0 || holdsSent(path, held, sent)) return false;
  const trimmed = sent.trim().normalize('NFC');
  // Inner runs of whitespace may have been made one space before the cut (holdsSent).
  return [trimmed, trimmed.replace(/\s+/g, ' ')].some((whole) => {
    const chars = [...whole];
    const fits = opts.cut === false ? form.length === chars.length : form.length <= chars.length;
    return fits && form.every((ch, i) => {
      const at = chars[i] as string;
      return ch === at || folded(ch) === folded(at) || (REPLACEMENTS.has(ch) && at > '\x7f');
    });
  });
}

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
 * Gives each update and reactivation of a user with recorded forms those forms (`knownForms`): the
 * answer to its write, which may hold a form unchanged, is read by them (sync/kept-answers.ts).
 */
export function withKnownForms(actions: readonly Action[], last: ReadonlyMap<string, LastWritten>): Action[] {
  return actions.map((a): Action => {
    if (a.type !== 'update' && a.type !== 'reactivate') return a;
    const record = last.get(a.oktaId);
    if (record?.forms === undefined) return a;
    const known: Record<string, { sent: string; form: string }> = {};
    for (const [path, form] of Object.entries(record.forms)) {
      const sent = record.values[path];
      if (typeof sent === 'string') known[path] = { sent, form };
    }
    return { ...a, knownForms: known };
  });
}

/**
 * Leaves out of a plan the changes that are only a stored form (heldAsStored). An update left with
 * none is a noop that carries the forms, so that confirming it keeps them; a reactivation stays.
 * One left with other changes carries them too, for when those are left out in turn (sync/unkept.ts).
 */
export function leaveOutStoredForms(actions: readonly Action[], last: ReadonlyMap<string, LastWritten>): Action[] {
  return withKnownForms(actions, last).map((a): Action => {
    if ((a.type !== 'update' && a.type !== 'reactivate') || a.changes.length === 0) return a;
    const record = last.get(a.oktaId);
    if (record?.forms === undefined) return a;
    const held = a.changes.filter((c) => heldAsStored(c, record));
    if (held.length === 0) return a;
    const changes = a.changes.filter((c) => !held.includes(c));
    const forms = Object.fromEntries(held.map((c) => [c.path, record.forms?.[c.path] as string]));
    if (changes.length > 0 || a.type === 'reactivate') return { ...a, changes, forms, ...(a.type === 'update' && !a.link ? { reason: `${changes.length} attribute(s) differ` } : {}) };
    return { type: 'noop', oktaId: a.oktaId, userName: a.userName, wfmId: a.wfmId, reason: 'up to date (the WFM stores some values in a form of its own)', forms };
  });
}

/** How many users of a plan have each owned path left out as a stored form. */
export function storedFormCounts(actions: readonly Action[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of actions) {
    const forms = a.type === 'noop' || a.type === 'update' || a.type === 'reactivate' ? a.forms : undefined;
    for (const path of Object.keys(forms ?? {})) counts[path] = (counts[path] ?? 0) + 1;
  }
  return counts;
}
