import type { Mapping } from '../config/mapping';
import { ownedPaths } from '../mappers/okta-to-wfm';
import { holdsSent, normalise } from '../mappers/scim-merge';
import { withLastSent } from './last-sent';
import { leaveOutStoredForms, withKnownForms, type LastWritten } from './stored-forms';
import type { Action, Change, ChangeSide, DesiredUser, StoredForms } from './types';

/**
 * The owned values we last wrote to, or found equal in, the WFM for one user: path -> value, null
 * for "not set". A path missing from it is unknown (the mapping gained it since).
 */
export type OwnedValues = Readonly<Record<string, string | null>>;

export type DriftEntry = Readonly<{ oktaId: string; userName: string; fields: readonly string[] }>;

/** Users with changes by the side that moved, and the users edited on the WFM side (the first 100). */
export type DriftSummary = {
  okta: number;
  wfm: number;
  both: number;
  unknown: number;
  edited: DriftEntry[];
};

export const MAX_DRIFT_ENTRIES = 100;

/** What a write or a noop comparison establishes as the user's owned values in the WFM. */
export function ownedValuesOf(desired: DesiredUser, mapping: Mapping): OwnedValues {
  const values: Record<string, string | null> = {};
  for (const path of ownedPaths(mapping)) values[path] = desired.attrs[path] ?? null;
  return values;
}

/**
 * Which side moved one attribute: the WFM value differs from what we last wrote (someone edited
 * it in the WFM), the Okta value does (the source changed), or both. Compared as the diff
 * compares (trimmed, empty as absent, case where the WFM ignores it). A WFM that still holds the
 * form it stored our last value in (`forms`, sync/stored-forms.ts) has not moved.
 */
export function classifyChange(change: Change, last: OwnedValues | undefined, forms?: StoredForms): ChangeSide {
  if (last === undefined || !(change.path in last)) return 'unknown';
  const written = last[change.path] ?? undefined;
  const form = forms?.[change.path];
  const wfmMoved = !holdsSent(change.path, change.from, written) && !(form !== undefined && holdsSent(change.path, change.from, form));
  const oktaMoved = normalise(change.path, change.to) !== normalise(change.path, written);
  if (wfmMoved && oktaMoved) return 'both';
  if (wfmMoved) return 'wfm';
  return oktaMoved ? 'okta' : 'unknown';
}

/** One side for a user's changes: both when Okta and the WFM each moved something. */
export function sideOf(changes: readonly Change[]): ChangeSide | undefined {
  if (changes.length === 0) return undefined;
  const sides = new Set(changes.map((c) => c.side ?? 'unknown'));
  const wfm = sides.has('wfm') || sides.has('both');
  const okta = sides.has('okta') || sides.has('both');
  if (wfm && okta) return 'both';
  if (wfm) return 'wfm';
  return okta ? 'okta' : 'unknown';
}

const classifies = (a: Action): boolean => (a.type === 'update' || a.type === 'reactivate') && a.changes.length > 0;

/** The Okta ids whose last-written values the classification needs (only users with changes). */
export function needsLastWritten(actions: readonly Action[]): string[] {
  return actions.filter(classifies).map((a) => a.oktaId);
}

export const emptyDrift = (): DriftSummary => ({ okta: 0, wfm: 0, both: 0, unknown: 0, edited: [] });

/**
 * Leaves out the changes that are only a value the WFM stores in a form of its own
 * (sync/stored-forms.ts; `storedForms: 'write'` keeps them), gives every other change of the plan's
 * updates and reactivations its side, and counts the users by side. Pure: the last-written values
 * come in as input.
 */
export function classifyPlan(actions: readonly Action[], last: ReadonlyMap<string, LastWritten>, opts: { storedForms?: 'leave-out' | 'write' } = {}): { actions: Action[]; drift: DriftSummary } {
  const ours = withLastSent(actions, last);
  const out = (opts.storedForms === 'write' ? withKnownForms(ours, last) : leaveOutStoredForms(ours, last)).map((a): Action => {
    if (!classifies(a) || (a.type !== 'update' && a.type !== 'reactivate')) return a;
    const record = last.get(a.oktaId);
    return { ...a, changes: a.changes.map((c) => ({ ...c, side: classifyChange(c, record?.values, record?.forms) })) };
  });
  return { actions: out, drift: countDrift(out) };
}

/** Counts the users of a classified plan by the side that moved their changes. */
export function countDrift(actions: readonly Action[]): DriftSummary {
  const drift = emptyDrift();
  for (const a of actions) {
    if (!classifies(a) || (a.type !== 'update' && a.type !== 'reactivate')) continue;
    const side = sideOf(a.changes) ?? 'unknown';
    drift[side] += 1;
    if ((side === 'wfm' || side === 'both') && drift.edited.length < MAX_DRIFT_ENTRIES) {
      drift.edited.push({ oktaId: a.oktaId, userName: a.userName, fields: a.changes.filter((c) => c.side === 'wfm' || c.side === 'both').map((c) => c.path) });
    }
  }
  return drift;
}

/**
 * The changes a write made, with the sides the plan gave them. A change the plan did not foresee
 * (the WFM user changed between plan and write, or a create that found its user already there)
 * has no known side.
 */
export function carrySides(made: readonly Change[], planned: readonly Change[]): Change[] {
  const sides = new Map(planned.map((c) => [c.path, c.side]));
  return made.map((c) => ({ ...c, side: sides.get(c.path) ?? 'unknown' }));
}
