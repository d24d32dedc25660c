import type { Logger } from 'winston';
import { createOwnedValues, type OwnedValuesStore } from '../store/owned-values';
import { createVerdictStore, type KeptRecord, type VerdictScope, type VerdictStore } from '../store/kept-verdicts';
import { classifyPlan, countDrift, needsLastWritten, ownedValuesOf, type DriftSummary } from '../sync/drift';
import { holdCreatesWrittenBefore } from '../sync/plan';
import type { Action, DesiredUser, OktaUser, Rejected, ScimResource, StoredForms, WfmUser } from '../sync/types';
import { dropsToConfirm, holdsValue, updateVerdicts, type AnswerTally } from '../sync/kept-answers';
import { dropUnkept, judgeUnkept, missingInRead, unkeptAdvice, unkeptByVerdict, type UnkeptJudgement } from '../sync/unkept';
import { holdsSent } from '../mappers/scim-merge';
import { readPath } from '../mappers/scim-paths';
import { dropUnchangeable, judgeUnchangeable, unchangeableWarning, type Waiting } from '../sync/unchangeable';
import type { JobDeps } from './deps';

const store = (deps: JobDeps): OwnedValuesStore => createOwnedValues(deps.redis, deps.config.redis.prefix);

/**
 * Gives each planned change its side (Okta, or the WFM: drift). Only users with changes are read
 * from Redis; the classification itself is pure (sync/drift.ts).
 */
export async function classifyDrift(deps: JobDeps, actions: readonly Action[], opts: { storedForms?: 'leave-out' | 'write' } = {}): Promise<{ actions: Action[]; drift: DriftSummary }> {
  const ids = needsLastWritten(actions);
  const last = ids.length > 0 ? await store(deps).records(ids) : new Map();
  return classifyPlan(actions, last, opts);
}

/** Where the owned paths the WFM does not keep are judged from: this run's read of the whole scope, or (a few users) the last one's and the answers. */
export type UnkeptBasis = Readonly<{ wholeScope: boolean; dryRun: boolean; runId: string; current: readonly WfmUser[] }>;

const verdicts = (deps: JobDeps): VerdictStore => createVerdictStore(deps.redis, deps.config.redis.prefix);
/** The WFM and custom extension URN this deployment writes to, which the answers it keeps belong to. */
export const verdictScope = (deps: JobDeps): VerdictScope => ({ scimUrl: deps.config.wfm.scimUrl, customSchema: deps.config.mapping.customSchema });
/** The answers and the last full read as kept for this deployment's WFM (see leaveOutUnkept). */
export const loadKept = (deps: JobDeps): Promise<KeptRecord> => verdicts(deps).load(verdictScope(deps));
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A run's own number for picking a probe's user: another run picks another one. */
const seedOf = (runId: string): number => [...runId].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 2_147_483_647, 7);

/**
 * Leaves out of a classified plan the changes that only put back what the WFM does not keep
 * (sync/unkept.ts), and counts the drift again. A read of the whole scope judges by the read and
 * the answers to earlier writes, and (unless a dry run) keeps what the read showed; a run of a few
 * users by the last such read and the answers. Failing to read or keep them leaves the plan whole
 * (or the next few-user runs): warn, go on.
 */
export async function leaveOutUnkept(
  deps: JobDeps,
  classified: Readonly<{ actions: Action[]; drift: DriftSummary }>,
  basis: UnkeptBasis,
  log: Logger,
): Promise<{ actions: Action[]; drift: DriftSummary; unkept: string[]; waiting: Waiting[]; unchangeable: string[] }> {
  let judgement: UnkeptJudgement = { unkept: [], probes: [] };
  let shown: KeptRecord | undefined;
  try {
    shown = await loadKept(deps);
    const now = deps.now();
    if (basis.wholeScope) {
      const missing = missingInRead(classified.actions, basis.current, deps.config.mapping);
      judgement = { ...judgeUnkept(missing, shown.verdicts, now), probeSeed: seedOf(basis.runId) };
      if (!basis.dryRun) await verdicts(deps).save(verdictScope(deps), { ...shown, missing });
    } else {
      judgement = { unkept: unkeptByVerdict(shown.verdicts, shown.missing, deps.config.mapping, now), probes: [] };
    }
  } catch (err) {
    log.warn('could not read or keep which attributes the WFM keeps: this run writes what it plans to', { error: messageOf(err) });
  }
  const { actions: kept, waiting, unchangeable } = leaveOutUnchangeable(classified.actions, shown?.changes, deps.now(), seedOf(basis.runId), log);
  if (judgement.unkept.length === 0) return { actions: kept, drift: unchangeable.length > 0 ? countDrift(kept) : classified.drift, unkept: [], waiting, unchangeable };
  const actions = dropUnkept(kept, judgement);
  const confirmed = judgement.unkept.filter((p) => !judgement.probes.includes(p));
  if (confirmed.length > 0) {
    log.warn(`the WFM does not keep these mapped attributes: they are not written again for them; ${unkeptAdvice(confirmed)}`, { attributes: confirmed });
  }
  if (judgement.probes.length > 0) {
    log.info('no WFM user holds these mapped attributes, and no recent answer of the WFM says whether it keeps them: one write sends each, the other users wait for its answer', { attributes: judgement.probes });
  }
  return { actions, drift: countDrift(actions), unkept: judgement.unkept, waiting, unchangeable };
}

/**
 * Leaves out of a plan the changes at paths the WFM's answers showed it does not change
 * (sync/unchangeable.ts), but one probe's for a verdict no longer fresh; warns with the users left waiting.
 */
function leaveOutUnchangeable(actions: Action[], changes: KeptRecord['changes'], now: number, probeSeed: number, log: Logger): { actions: Action[]; waiting: Waiting[]; unchangeable: string[] } {
  const judgement = judgeUnchangeable(changes, now);
  if (judgement.unchangeable.length === 0) return { actions, waiting: [], unchangeable: [] };
  const out = dropUnchangeable(actions, { ...judgement, probeSeed });
  const warning = unchangeableWarning(out.waiting);
  if (warning !== undefined) log.warn(warning, { attributes: judgement.unchangeable, users: out.waiting.length });
  if (judgement.probes.length > 0) log.info('the WFM last left these attributes as they were when asked to change them, over 36 hours ago: one user is written for each to ask again', { attributes: judgement.probes });
  return { ...out, unchangeable: judgement.unchangeable };
}

/** Whether a WFM user as read again holds, at a path, what the tally counts as held there (`sent`: the value sent to it). */
type Holds = (user: Readonly<ScimResource>, path: string, sent: string | undefined) => boolean;

/**
 * A path every answer lacked (or, for changes, left as it was) is read again on one of its users
 * before it counts as dropped: a WFM may answer a write with a partial or stale user. Held when
 * read: it counts as kept. Unreadable: no verdict from this run.
 */
async function confirmDrops(deps: JobDeps, answers: Readonly<AnswerTally>, holds: Holds): Promise<AnswerTally> {
  const confirmed: AnswerTally = { ...answers };
  // One read a user, however many of its paths need confirming; a failed read is undefined.
  const reads = new Map<string, Promise<ScimResource | undefined>>();
  const read = (wfmId: string): Promise<ScimResource | undefined> => {
    let user = reads.get(wfmId);
    if (user === undefined) {
      user = deps.scim.get(wfmId).then((u) => u.raw, () => undefined);
      reads.set(wfmId, user);
    }
    return user;
  };
  for (const { path, wfmId, sent } of dropsToConfirm(answers)) {
    const user = wfmId === undefined ? undefined : await read(wfmId);
    const held = user === undefined ? undefined : holds(user, path, sent);
    if (held === undefined) delete confirmed[path];
    else if (held) confirmed[path] = { held: 1, dropped: 0 };
  }
  return confirmed;
}

/**
 * After a run's writes: what their answers showed, per owned path, for later runs to judge by:
 * the values kept (`answers`), and the changes made (`changes`, sync/unchangeable.ts). Failing to
 * keep it: warn, go on.
 */
export async function recordAnswers(deps: JobDeps, outcome: Readonly<{ answers: AnswerTally; changes?: AnswerTally }>, log: Logger): Promise<void> {
  const { answers, changes = {} } = outcome;
  if (Object.keys(answers).length === 0 && Object.keys(changes).length === 0) return;
  const { mapping } = deps.config;
  try {
    const kept = await loadKept(deps);
    const now = deps.now();
    const values = updateVerdicts(kept.verdicts, await confirmDrops(deps, answers, (user, path) => holdsValue(user, path, mapping)), now);
    const changed = await confirmDrops(deps, changes, (user, path, sent) => holdsSent(path, readPath(user, path, mapping.customSchema, sent), sent));
    await verdicts(deps).save(verdictScope(deps), { ...kept, verdicts: values, changes: updateVerdicts(kept.changes ?? {}, changed, now) });
  } catch (err) {
    log.warn('could not keep what the WFM kept of the values written: later runs may write them again', { error: messageOf(err) });
  }
}

/** Creates of users this sync has written before (it keeps their owned values) become conflicts: see holdCreatesWrittenBefore. */
export async function holdCreatesOfKnownUsers(deps: JobDeps, actions: readonly Action[]): Promise<Action[]> {
  const creates = actions.filter((a) => a.type === 'create').map((a) => a.oktaId);
  if (creates.length === 0) return [...actions];
  const known = await store(deps).read(creates);
  return holdCreatesWrittenBefore(actions, new Set(known.keys()));
}

/** A noop compared every owned value with the WFM and found them equal (or held in the WFM's own form): that is what the WFM holds now. */
export async function confirmNoops(deps: JobDeps, actions: readonly Action[], desired: readonly DesiredUser[]): Promise<void> {
  const byId = new Map(desired.map((d) => [d.oktaId, d]));
  const entries = actions.flatMap((a) => {
    const d = a.type === 'noop' ? byId.get(a.oktaId) : undefined;
    return d && a.type === 'noop' ? [{ oktaId: d.oktaId, values: { ...ownedValuesOf(d, deps.config.mapping), ...a.held }, ...(a.forms ? { forms: a.forms } : {}) }] : [];
  });
  if (entries.length > 0) await store(deps).record(entries);
}

/**
 * After a write: the owned values are now what we sent, some held in the WFM's own form (`forms`).
 * The write itself succeeded, so failing to remember it only costs the next run its drift
 * classification for this user: warn, go on.
 */
export async function recordWritten(deps: JobDeps, desired: DesiredUser, forms?: StoredForms, ignored?: Readonly<Record<string, string>>): Promise<void> {
  try {
    await store(deps).record([{ oktaId: desired.oktaId, values: { ...ownedValuesOf(desired, deps.config.mapping), ...ignored }, ...(forms ? { forms } : {}) }]);
  } catch (err) {
    deps.logger.warn('could not remember the values written: the next change of this user may get the wrong side', {
      oktaId: desired.oktaId,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

/**
 * After a pull of the whole in-scope set: the records of users who left scope go, so the hash does
 * not grow with every agent who ever left. A user the pull could not map is still in scope and
 * keeps its record. One who comes back starts with none, as a new user does. Failing to prune only
 * leaves the rows to the next full sync: warn, go on.
 */
export async function pruneDrift(deps: JobDeps, pull: { users: readonly OktaUser[]; rejected: readonly Rejected[] }, log: Logger): Promise<void> {
  const inScope = new Set([...pull.users.map((u) => u.id), ...pull.rejected.map((r) => r.oktaId)]);
  try {
    log.info('drift records of users out of scope removed', { removed: await store(deps).prune(inScope) });
  } catch (err) {
    log.warn('could not remove the drift records of users out of scope: the next full sync tries again', {
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
