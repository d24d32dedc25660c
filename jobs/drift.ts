import type { Logger } from 'winston';
import { createOwnedValues, type OwnedValuesStore } from '../store/owned-values';
import { createVerdictStore, type KeptRecord, type VerdictScope, type VerdictStore } from '../store/kept-verdicts';
import { classifyPlan, countDrift, needsLastWritten, ownedValuesOf, type DriftSummary } from '../sync/drift';
import { holdCreatesWrittenBefore } from '../sync/plan';
import type { Action, DesiredUser, OktaUser, Rejected, ScimResource, StoredForms, WfmUser } from '../sync/types';
import { dropsToConfirm, holdsValue, updateVerdicts, type AnswerTally } from '../sync/kept-answers';
import { dropUnkept, judgeUnkept, missingInRead, unkeptAdvice, unkeptByVerdict, type UnkeptJudgement } from '../sync/unkept';
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
): Promise<{ actions: Action[]; drift: DriftSummary; unkept: string[] }> {
  let judgement: UnkeptJudgement = { unkept: [], probes: [] };
  try {
    const shown = await loadKept(deps);
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
  if (judgement.unkept.length === 0) return { ...classified, unkept: [] };
  const actions = dropUnkept(classified.actions, judgement);
  const confirmed = judgement.unkept.filter((p) => !judgement.probes.includes(p));
  if (confirmed.length > 0) {
    log.warn(`the WFM does not keep these mapped attributes: they are not written again for them; ${unkeptAdvice(confirmed)}`, { attributes: confirmed });
  }
  if (judgement.probes.length > 0) {
    log.info('no WFM user holds these mapped attributes, and no recent answer of the WFM says whether it keeps them: one write sends each, the other users wait for its answer', { attributes: judgement.probes });
  }
  return { actions, drift: countDrift(actions), unkept: judgement.unkept };
}

/**
 * A path every answer lacked is read again on one of its users before it counts as dropped: a
 * WFM may answer a write with a partial user. Held when read: it counts as kept. Unreadable: no
 * verdict from this run.
 */
async function confirmDrops(deps: JobDeps, answers: Readonly<AnswerTally>): Promise<AnswerTally> {
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
  for (const { path, wfmId } of dropsToConfirm(answers)) {
    const user = wfmId === undefined ? undefined : await read(wfmId);
    const held = user === undefined ? undefined : holdsValue(user, path, deps.config.mapping);
    if (held === undefined) delete confirmed[path];
    else if (held) confirmed[path] = { held: 1, dropped: 0 };
  }
  return confirmed;
}

/** After a run's writes: what their answers showed, per owned path, for later runs to judge by. Failing to keep it: warn, go on. */
export async function recordAnswers(deps: JobDeps, answers: Readonly<AnswerTally>, log: Logger): Promise<void> {
  if (Object.keys(answers).length === 0) return;
  try {
    const kept = await loadKept(deps);
    await verdicts(deps).save(verdictScope(deps), { ...kept, verdicts: updateVerdicts(kept.verdicts, await confirmDrops(deps, answers), deps.now()) });
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
    return d && a.type === 'noop' ? [{ oktaId: d.oktaId, values: ownedValuesOf(d, deps.config.mapping), ...(a.forms ? { forms: a.forms } : {}) }] : [];
  });
  if (entries.length > 0) await store(deps).record(entries);
}

/**
 * After a write: the owned values are now what we sent, some held in the WFM's own form (`forms`).
 * The write itself succeeded, so failing to remember it only costs the next run its drift
 * classification for this user: warn, go on.
 */
export async function recordWritten(deps: JobDeps, desired: DesiredUser, forms?: StoredForms): Promise<void> {
  try {
    await store(deps).record([{ oktaId: desired.oktaId, values: ownedValuesOf(desired, deps.config.mapping), ...(forms ? { forms } : {}) }]);
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
