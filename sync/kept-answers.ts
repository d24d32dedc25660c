import type { Mapping } from '../config/mapping';
import { REQUIRED_TARGETS } from '../config/targets';
import { ownedPaths } from '../mappers/okta-to-wfm';
import { holdsSent, normalise } from '../mappers/scim-merge';
import { readPath } from '../mappers/scim-paths';
import { isStoredForm } from './stored-forms';
import type { DesiredUser, KnownForms, ScimResource } from './types';

// What the WFM's answers to writes show of the owned values sent: the half of sync/unkept.ts's
// evidence that comes from writes. Pure: the answers and the verdicts kept come in as input.

/**
 * How long what the answers showed is trusted before a probe asks again: longer than a day, so a
 * daily full sync finds the last one's verdict fresh, and probes every other day at most.
 */
export const VERDICT_FRESH_MS = 36 * 3600 * 1000;

/**
 * Never judged not kept: the attributes the WFM requires are always written. The link (externalId) is
 * judged too, or a WFM that does not keep it would be linked again on every run; but only a fresh
 * verdict holds it back (see judgeUnkept).
 */
const ALWAYS_WRITTEN = new Set<string>(['userName', ...REQUIRED_TARGETS]);

/** Whether a path may be judged not kept. */
export const judged = (path: string): boolean => !ALWAYS_WRITTEN.has(path);

/** What the WFM's answers last showed for one path, and when. */
export type Verdict = Readonly<{ kept: boolean; at: number }>;
export type Verdicts = Readonly<Record<string, Verdict>>;

/**
 * What the answers to a run's writes showed, per path: how many held the value sent, how many
 * lacked it, and one WFM user whose answer lacked it (`sample`), to read again before the run
 * concludes the WFM drops it (an answer may be a partial one).
 */
export type AnswerTally = Record<string, { held: number; dropped: number; sample?: string; sent?: string | undefined }>;

/** The judged owned paths a write sends a value for. */
function sentPaths(desired: DesiredUser, mapping: Mapping): string[] {
  return ownedPaths(mapping).filter((p) => judged(p) && normalise(p, desired.attrs[p]) !== undefined);
}

/**
 * What the WFM's answer to a write (its user as stored) shows of the owned values sent, in one pass:
 * - `dropped`: the judged paths sent with a value that the answer lacks. For an update, a path the
 *   user held before the write is not counted: a WFM that held it keeps it, and an answer without
 *   it is a partial one (some servers answer with a few attributes).
 * - `forms`: the values it holds in a form of its own (sync/stored-forms.ts), path -> the form held.
 *   A value the write left as it was before (`before`) is no evidence of a form: the WFM may have
 *   ignored the write. Nor is a partial answer. Both keep a form already known (`known`, the forms
 *   the update carried) that the WFM still holds, unless it is a cut of the value sent.
 */
export function readAnswer(
  answer: Readonly<ScimResource>,
  desired: DesiredUser,
  mapping: Mapping,
  before?: Readonly<ScimResource>,
  known: KnownForms = {},
): { dropped: string[]; forms: Record<string, string>; ignored: Record<string, string> } {
  const dropped: string[] = [];
  const forms: Record<string, string> = {};
  const ignored: Record<string, string> = {};
  for (const path of ownedPaths(mapping)) {
    const sent = desired.attrs[path];
    if (normalise(path, sent) === undefined) continue;
    const held = readPath(answer, path, mapping.customSchema, sent);
    // Held as sent, as nearly every answer holds every value: nothing dropped, no form.
    if (holdsSent(path, held, sent)) continue;
    const was = before === undefined ? undefined : readPath(before, path, mapping.customSchema, sent);
    const heldNow = normalise(path, held);
    const answered = heldNow !== undefined;
    if (!answered && judged(path) && normalise(path, was) === undefined) dropped.push(path);
    const form = answered ? held : was;
    const unchanged = before !== undefined && (!answered || heldNow === normalise(path, was));
    if (unchanged ? stillKnown(path, sent, form, known[path]) : isStoredForm(path, sent, form)) forms[path] = form as string;
    // A new value answered with the one held before: the WFM left it as it was. Not where the old
    // value could be a form of the new one (a cut of it): the WFM may have stored that form again.
    else if (answered && unchanged && !isStoredForm(path, sent, held)) ignored[path] = held as string;
  }
  return { dropped, forms, ignored };
}

/**
 * A value a write left as it was is a form only as one known already: for the same value sent, or,
 * for a new one, if not a cut (a new value that only adds to the old one would look like one, on
 * a WFM that ignored the write).
 */
function stillKnown(path: string, sent: string | undefined, form: string | undefined, known: KnownForms[string] | undefined): boolean {
  if (known === undefined || normalise(path, form) !== normalise(path, known.form)) return false;
  return normalise(path, sent) === normalise(path, known.sent) ? isStoredForm(path, sent, form) : isStoredForm(path, sent, form, { cut: false });
}

/** Adds one answered write to the tally: every path it sent a value for, held unless listed as dropped. */
export function tallyAnswer(tally: AnswerTally, desired: DesiredUser, mapping: Mapping, dropped: readonly string[], wfmId?: string): void {
  for (const path of sentPaths(desired, mapping)) {
    const entry = (tally[path] ??= { held: 0, dropped: 0 });
    if (!dropped.includes(path)) entry.held += 1;
    else {
      entry.dropped += 1;
      if (entry.sample === undefined && wfmId !== undefined && wfmId !== '') entry.sample = wfmId;
    }
  }
}

/**
 * Adds one answered update to the tally of changes (`AnswerTally` read as: `held`, the changes the
 * WFM made; `dropped`, those it answered with the value held before). `asked`: the paths the plan
 * changed; `ignored`: the paths the answer left as they were, asked or not (a value the plan left
 * out is sent with the PUT all the same). `sample` is one user that was left so, and `sent` the
 * value it was sent, to read again before the run concludes the WFM does not change it.
 */
export function tallyChanges(tally: AnswerTally, desired: DesiredUser, asked: readonly string[], ignored: readonly string[], wfmId?: string): void {
  for (const path of new Set([...asked, ...ignored])) {
    const entry = (tally[path] ??= { held: 0, dropped: 0 });
    if (!ignored.includes(path)) {
      if (normalise(path, desired.attrs[path]) !== undefined) entry.held += 1;
      continue;
    }
    entry.dropped += 1;
    if (entry.sample === undefined && wfmId !== undefined && wfmId !== '') Object.assign(entry, { sample: wfmId, sent: desired.attrs[path] });
  }
}

/** The paths that every answer of the tally lacked, each with the user to read again to confirm it. */
export function dropsToConfirm(tally: Readonly<AnswerTally>): { path: string; wfmId?: string; sent?: string }[] {
  return Object.entries(tally)
    .filter(([, e]) => e.held === 0 && e.dropped > 0)
    .map(([path, e]) => ({ path, ...(e.sample !== undefined ? { wfmId: e.sample } : {}), ...(e.sent !== undefined ? { sent: e.sent } : {}) }));
}

/** Whether a WFM user as read holds a value at this path (`expected`: the value sent, to find its entry among untyped ones: readPath). */
export function holdsValue(user: Readonly<ScimResource>, path: string, mapping: Mapping, expected?: string): boolean {
  return normalise(path, readPath(user, path, mapping.customSchema, expected)) !== undefined;
}

/** The verdicts after a run's answers: a path any answer held is kept; one every answer lacked is not. */
export function updateVerdicts(verdicts: Verdicts, tally: Readonly<AnswerTally>, now: number): Record<string, Verdict> {
  const next: Record<string, Verdict> = { ...verdicts };
  for (const [path, { held, dropped }] of Object.entries(tally)) {
    if (held > 0) next[path] = { kept: true, at: now };
    else if (dropped > 0) next[path] = { kept: false, at: now };
  }
  return next;
}
