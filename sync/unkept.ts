import type { Mapping } from '../config/mapping';
import { ownedPaths } from '../mappers/okta-to-wfm';
import { normalise } from '../mappers/scim-merge';
import { holdsValue, judged, VERDICT_FRESH_MS, type Verdicts } from './kept-answers';
import type { Action, Change, WfmUser } from './types';

/**
 * Owned attributes the WFM does not keep. A WFM tenant drops an optional attribute it has not
 * enabled (a SCIM server may ignore what it does not store, RFC 7644 §3.3): sent again, it is
 * dropped again, so every run would write every user for it. Two kinds of evidence must agree:
 *
 * - the read: at least MIN_UNKEPT_USERS users lack a value this sync wrote to them while Okta
 *   still has it (the change's side is the WFM's), and no WFM user read holds any value there;
 * - the answers: the WFM's answers to the writes that last sent a value there all lacked it.
 *
 * Values lost another way (cleared by admins, a restore, a new tenant) are written back: the
 * answers to earlier writes held them. With no recent answer, one user is written for it (a probe)
 * unless another write sends it anyway, and the rest wait for what its answer shows.
 */
export const MIN_UNKEPT_USERS = 3;

/** The sync's link from a WFM user to its Okta user. */
const LINK = 'externalId';

/** What an admin can do about attributes the WFM drops: enable them, or drop the rules that map them (the role is the sync's own). */
export function unkeptAdvice(paths: readonly string[]): string {
  const rules = paths.filter((p) => p !== 'roles.primary' && p !== 'externalId');
  const parts = [
    ...(rules.length > 0 ? [`enable ${rules.join(', ')} in the WFM tenant, or remove ${rules.length === 1 ? 'its rule' : 'their rules'} from the mapping`] : []),
    ...(paths.includes('roles.primary') ? ['roles.primary is the role the sync sets: enable roles in the WFM tenant'] : []),
    ...(paths.includes('externalId') ? ["externalId is the sync's link to Okta: without it users are matched by userName alone, and off-boarding counts them unmanaged"] : []),
  ];
  return parts.join('; ');
}

/** A value we wrote that the WFM no longer holds, Okta unchanged. */
const lostValue = (c: Change): boolean => c.side === 'wfm' && normalise(c.path, c.from) === undefined && normalise(c.path, c.to) !== undefined;

const withChanges = (a: Action): a is Extract<Action, { type: 'update' | 'reactivate' }> => a.type === 'update' || a.type === 'reactivate';

/** The paths the read shows missing: judged from a classified plan and the WFM users read for it (the whole scope). */
export function missingInRead(actions: readonly Action[], current: readonly WfmUser[], mapping: Mapping): string[] {
  const lost = new Map<string, number>();
  for (const a of actions) {
    if (!withChanges(a)) continue;
    for (const c of a.changes) if (judged(c.path) && lostValue(c)) lost.set(c.path, (lost.get(c.path) ?? 0) + 1);
  }
  const candidates = [...lost].filter(([, users]) => users >= MIN_UNKEPT_USERS).map(([path]) => path);
  return candidates.filter((path) => !current.some((u) => holdsValue(u.raw, path, mapping))).sort();
}

/**
 * What a run leaves unwritten: the paths not kept, and among them those with no fresh verdict
 * (probes). `probeSeed` picks the probe's user among those it could be, so a user whose write
 * keeps failing is not the only one ever tried.
 */
export type UnkeptJudgement = Readonly<{ unkept: string[]; probes: string[]; probeSeed?: number }>;

/**
 * Which of the paths the read shows missing are not kept: those the answers showed dropped within
 * VERDICT_FRESH_MS. A path the answers held is written back. A path with no fresh verdict is a
 * probe: one user is written for it, the others wait for its answer.
 */
export function judgeUnkept(missing: readonly string[], verdicts: Verdicts, now: number): UnkeptJudgement {
  const unkept: string[] = [];
  const probes: string[] = [];
  for (const path of missing) {
    const v = verdicts[path];
    const fresh = v !== undefined && now - v.at <= VERDICT_FRESH_MS;
    if (fresh && v.kept) continue;
    // Lost links are not held back for a probe unless the answers last showed the WFM drops them:
    // an unlinked user is one off-boarding leaves alone, and one whose login changes meanwhile
    // gets a second WFM user. Written back, their answers decide.
    if (path === LINK && !fresh && (v === undefined || v.kept)) continue;
    unkept.push(path);
    if (!fresh) probes.push(path);
  }
  return { unkept, probes };
}

/**
 * For a run that reads a few users, which cannot see the whole scope: the paths the last read of
 * the whole scope showed missing (`missing`) that the answers also showed dropped within
 * VERDICT_FRESH_MS, still owned by the mapping. Anything else is written (a write refreshes the verdict).
 */
export function unkeptByVerdict(verdicts: Verdicts, missing: readonly string[], mapping: Mapping, now: number): string[] {
  const owned = new Set(ownedPaths(mapping));
  return missing.filter((path) => {
    const v = verdicts[path];
    return owned.has(path) && judged(path) && v !== undefined && !v.kept && now - v.at <= VERDICT_FRESH_MS;
  });
}

/** Whether a classified change only puts back a value the WFM dropped at a path it does not keep. */
export const putsBackUnkept = (c: Change, unkept: readonly string[]): boolean => unkept.includes(c.path) && judged(c.path) && lostValue(c);

/** A change's side, where the WFM never held a value at a path it does not keep: Okta's, since the WFM did not move it. */
export const sideAtUnkept = (c: Change, unkept: readonly string[]): Change['side'] =>
  c.side === 'both' && unkept.includes(c.path) && normalise(c.path, c.from) === undefined ? 'okta' : c.side;

/** Whether an action, as planned, sends a value at this path (a create, or an update's whole merged user). */
const sendsValue = (a: Action, path: string): boolean => (a.type === 'create' || withChanges(a)) && normalise(path, a.desired.attrs[path]) !== undefined;

/** One action without the changes that only put back a value at an unkept path, but those at `keep`. */
function leaveOut(a: Action, unkept: readonly string[], keep: ReadonlySet<string>): Action {
  if (!withChanges(a)) return a;
  const changes: Change[] = [];
  for (const c of a.changes) {
    if (putsBackUnkept(c, unkept) && !keep.has(c.path)) continue;
    const side = sideAtUnkept(c, unkept);
    changes.push(side === c.side ? c : { ...c, side });
  }
  if (changes.length === a.changes.length && changes.every((c, i) => c === a.changes[i])) return a;
  if (a.type === 'update' && changes.length === 0) {
    const reason = `up to date in what the WFM keeps (it does not keep ${a.changes.map((c) => c.path).join(', ')})`;
    return { type: 'noop', oktaId: a.oktaId, userName: a.userName, wfmId: a.wfmId, reason, ...(a.forms ? { forms: a.forms } : {}) };
  }
  return { ...a, changes };
}

/**
 * Leaves out of the plan the changes that only put back a value the WFM does not keep. An update
 * left with no change is a noop; a reactivation stays, for its revive. A value Okta changed is
 * still written (the WFM may keep it one day); its side is Okta's, since the WFM never held it.
 * For a probe path, a write the plan makes anyway that sends a value there will show in its
 * answer whether the WFM keeps it; when there is none, one user is written for it.
 */
export function dropUnkept(actions: readonly Action[], judgement: UnkeptJudgement): Action[] {
  const { unkept } = judgement;
  if (unkept.length === 0) return [...actions];
  const none = new Set<string>();
  const out = actions.map((a) => leaveOut(a, unkept, none));
  const probed = new Map<number, Set<string>>();
  for (const path of judgement.probes) {
    if (out.some((a) => sendsValue(a, path))) continue;
    const candidates = actions.flatMap((a, i) => (withChanges(a) && a.changes.some((c) => c.path === path && putsBackUnkept(c, unkept)) ? [i] : []));
    const at = candidates[Math.abs(judgement.probeSeed ?? 0) % Math.max(candidates.length, 1)];
    if (at === undefined) continue;
    const keep = probed.get(at) ?? new Set<string>();
    keep.add(path);
    probed.set(at, keep);
  }
  for (const [at, keep] of probed) out[at] = leaveOut(actions[at] as Action, unkept, keep);
  return out;
}
