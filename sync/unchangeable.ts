import { normalise } from '../mappers/scim-merge';
import { VERDICT_FRESH_MS, type Verdicts } from './kept-answers';
import type { Action, Change } from './types';

/**
 * Owned attributes the WFM does not change once set. Some SCIM servers answer 200 to a PUT that
 * changes an attribute they keep as it was created (Zoom's keeps userName and displayName), with
 * the value they held before. Written again, it is left as it was again, so every run would
 * update the user for it, and report it applied.
 *
 * The evidence is the WFM's answers to updates (sync/kept-answers.ts readAnswer `ignored`, one
 * user read again before a run concludes it): a path whose changes every answer of a run left at
 * the value held before, none made, is not changeable (`changes` verdict `kept: false`). While
 * that verdict is fresh (VERDICT_FRESH_MS), a change at that path of a user the WFM holds a value
 * for is left out of the plan: the user waits, and the run says so. Once it is older, one user's
 * change is written again as a probe, and its answer decides again. A create, and every PUT, still
 * send every owned value, the required ones included (a PUT replaces the user).
 */
export type UnchangeableJudgement = Readonly<{ unchangeable: string[]; probes: string[]; probeSeed?: number }>;

/** The users whose changes at unchangeable paths a plan leaves out, with those paths. */
export type Waiting = Readonly<{ oktaId: string; userName: string; paths: readonly string[] }>;

/** Which paths the answers showed the WFM does not change; those with no fresh verdict are probes. */
export function judgeUnchangeable(changes: Verdicts | undefined, now: number): UnchangeableJudgement {
  const unchangeable: string[] = [];
  const probes: string[] = [];
  for (const [path, v] of Object.entries(changes ?? {})) {
    if (v.kept) continue;
    unchangeable.push(path);
    if (now - v.at > VERDICT_FRESH_MS) probes.push(path);
  }
  return { unchangeable: unchangeable.sort(), probes: probes.sort() };
}

type WithChanges = Extract<Action, { type: 'update' | 'reactivate' }>;
const withChanges = (a: Action): a is WithChanges => a.type === 'update' || a.type === 'reactivate';

/** A change the WFM would leave as it is: at an unchangeable path, where it holds a value. */
const wouldStay = (c: Change, unchangeable: readonly string[]): boolean => unchangeable.includes(c.path) && normalise(c.path, c.from) !== undefined;

/** One action without the changes the WFM would leave as they are, but those at `probe` paths. */
function leaveOut(a: WithChanges, unchangeable: readonly string[], probe: ReadonlySet<string>): { action: Action; left: Change[] } {
  const left = a.changes.filter((c) => wouldStay(c, unchangeable) && !probe.has(c.path));
  if (left.length === 0) return { action: a, left };
  const changes = a.changes.filter((c) => !left.includes(c));
  if (a.type === 'reactivate' || changes.length > 0) return { action: { ...a, changes }, left };
  const paths = left.map((c) => c.path).join(', ');
  const held = Object.fromEntries(left.map((c) => [c.path, c.from as string]));
  const reason = `up to date in what the WFM changes (it left ${paths} as it was when last asked to change it)`;
  return { action: { type: 'noop', oktaId: a.oktaId, userName: a.userName, wfmId: a.wfmId, reason, held, ...(a.forms ? { forms: a.forms } : {}) }, left };
}

/**
 * Leaves out of a classified plan the changes at paths the WFM does not change, where it holds a
 * value: an update left with none is a noop that keeps what the WFM holds there as written (so a
 * later run does not take it for an edit made in the WFM); a reactivation stays, for its revive.
 * For a probe path, one user's change (picked by `probeSeed`) is written, the others wait.
 */
export function dropUnchangeable(actions: readonly Action[], judgement: UnchangeableJudgement): { actions: Action[]; waiting: Waiting[] } {
  const { unchangeable } = judgement;
  if (unchangeable.length === 0) return { actions: [...actions], waiting: [] };
  const probed = new Map<number, Set<string>>();
  for (const path of judgement.probes) {
    const candidates = actions.flatMap((a, i) => (withChanges(a) && a.changes.some((c) => c.path === path && wouldStay(c, unchangeable)) ? [i] : []));
    const at = candidates[Math.abs(judgement.probeSeed ?? 0) % Math.max(candidates.length, 1)];
    if (at !== undefined) probed.set(at, (probed.get(at) ?? new Set<string>()).add(path));
  }
  const waiting: Waiting[] = [];
  const out = actions.map((a, i) => {
    if (!withChanges(a)) return a;
    const { action, left } = leaveOut(a, unchangeable, probed.get(i) ?? new Set());
    if (left.length > 0) waiting.push({ oktaId: a.oktaId, userName: a.userName, paths: left.map((c) => c.path) });
    return action;
  });
  return { actions: out, waiting };
}

/** The run's warning about the users left waiting: which attributes, how many users, what to do. */
export function unchangeableWarning(waiting: readonly Waiting[]): string | undefined {
  if (waiting.length === 0) return undefined;
  const byPath = new Map<string, number>();
  for (const w of waiting) for (const p of w.paths) byPath.set(p, (byPath.get(p) ?? 0) + 1);
  const counts = [...byPath].sort(([a], [b]) => a.localeCompare(b)).map(([p, n]) => `${p} (${n} user${n === 1 ? '' : 's'})`);
  const names = waiting.slice(0, 5).map((w) => w.userName).join(', ');
  const more = waiting.length > 5 ? ` and ${waiting.length - 5} more` : '';
  return (
    `the WFM does not change these attributes once set: it answered updates with the values it held before (it may not allow changing them after creation). ` +
    `Changes not written: ${counts.join(', ')}: ${names}${more}. Make them in the WFM if they must be made; one is written again every 36 hours, and all once the WFM's answer shows it made it`
  );
}
