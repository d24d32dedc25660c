import type { Mapping } from '../config/mapping';
import { ownedPaths } from '../mappers/okta-to-wfm';
import { holdsSent, normalise } from '../mappers/scim-merge';
import { readPath } from '../mappers/scim-paths';
import { classifyChange } from './drift';
import { heldAsStored, type LastWritten } from './stored-forms';
import type { ChangeSide, DesiredUser, WfmUser } from './types';
import { putsBackUnkept, sideAtUnkept } from './unkept';

/** One owned attribute of one user, as `explain` shows it. */
export type FieldRow = Readonly<{
  path: string;
  /** What Okta maps to (absent: not set). */
  okta: string | undefined;
  /** What the WFM holds now. */
  wfm: string | undefined;
  /** What we last wrote or confirmed: null for "not set", undefined when there is no record. */
  lastWritten: string | null | undefined;
  /** What the WFM answered our last write of it with, where it stores it in a form of its own (sync/stored-forms.ts). */
  storedForm?: string;
  /**
   * Whether the next run sets this attribute, and which side moved it; `not-kept`: it differs only
   * because the WFM does not keep it (sync/unkept.ts); `stored-form`: only because the WFM stores
   * it in a form of its own; `not-changed`: the WFM's answers showed it does not change this
   * attribute once set (sync/unchangeable.ts), so the next run leaves the change out.
   */
  next: 'same' | 'set' | 'not-kept' | 'stored-form' | 'not-changed';
  side?: ChangeSide;
}>;

/**
 * Field by field: the mapped value, the WFM value, what we last wrote, and whether the next run
 * changes it and why. `current` is the WFM user the run would write (none for a create).
 */
export function fieldRows(
  desired: DesiredUser,
  current: WfmUser | undefined,
  mapping: Mapping,
  last: LastWritten | undefined,
  unkept: readonly string[] = [],
  unchangeable: readonly string[] = [],
): FieldRow[] {
  return ownedPaths(mapping).map((path) => {
    const okta = desired.attrs[path];
    const lastWritten = last === undefined || !(path in last.values) ? undefined : (last.values[path] ?? null);
    // Of several entries of one type, the one holding what we last wrote is ours (sync/last-sent.ts).
    const wfm = current ? readPath(current.raw, path, mapping.customSchema, okta, lastWritten ?? undefined) : undefined;
    if (current && holdsSent(path, wfm, okta)) return { path, okta, wfm, lastWritten, next: 'same' };
    const change = { path, from: wfm, to: okta };
    const storedForm = last?.forms?.[path];
    if (current && heldAsStored(change, last)) return { path, okta, wfm, lastWritten, storedForm: storedForm as string, next: 'stored-form' };
    const side = current ? sideAtUnkept({ ...change, side: classifyChange(change, last?.values, last?.forms) }, unkept) : 'okta';
    const notKept = current !== undefined && putsBackUnkept({ ...change, side }, unkept);
    // Held, at a path the WFM does not change once set: the plan leaves the change out (sync/unchangeable.ts).
    const notChanged = current !== undefined && unchangeable.includes(path) && normalise(path, wfm) !== undefined;
    return { path, okta, wfm, lastWritten, next: notKept ? 'not-kept' : notChanged ? 'not-changed' : 'set', side };
  });
}

/** The side in a table cell's few characters. */
export function sideShort(side: ChangeSide | undefined): string {
  if (side === 'okta') return 'Okta';
  if (side === 'wfm') return 'WFM edit';
  if (side === 'both') return 'both';
  return 'unknown';
}

/** The side as a person reads it. */
export function sideText(side: ChangeSide | undefined): string {
  switch (side) {
    case 'okta':
      return 'changed in Okta';
    case 'wfm':
      return 'edited in the WFM';
    case 'both':
      return 'changed on both sides';
    default:
      return 'no record of our last write';
  }
}
