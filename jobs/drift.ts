import type { Logger } from 'winston';
import { createOwnedValues, type OwnedValuesStore } from '../store/owned-values';
import { createUnkeptStore } from '../store/unkept-paths';
import { classifyPlan, countDrift, needsLastWritten, ownedValuesOf, type DriftSummary } from '../sync/drift';
import { holdCreatesWrittenBefore } from '../sync/plan';
import type { Action, DesiredUser, OktaUser, Rejected, WfmUser } from '../sync/types';
import { dropUnkept, findUnkept } from '../sync/unkept';
import type { JobDeps } from './deps';

const store = (deps: JobDeps): OwnedValuesStore => createOwnedValues(deps.redis, deps.config.redis.prefix);

/**
 * Gives each planned change its side (Okta, or the WFM: drift). Only users with changes are read
 * from Redis; the classification itself is pure (sync/drift.ts).
 */
export async function classifyDrift(deps: JobDeps, actions: readonly Action[]): Promise<{ actions: Action[]; drift: DriftSummary }> {
  const ids = needsLastWritten(actions);
  const last = ids.length > 0 ? await store(deps).read(ids) : new Map();
  return classifyPlan(actions, last);
}

/** Where the owned paths the WFM does not keep come from: this run's read of the whole scope, or the last one's record. */
export type UnkeptBasis = Readonly<{ wholeScope: boolean; dryRun: boolean; runId: string; current: readonly WfmUser[] }>;

/**
 * Leaves out of a classified plan the changes that only put back what the WFM does not keep
 * (sync/unkept.ts), and counts the drift again. A read of the whole scope judges the paths and,
 * unless a dry run, records them for the runs that read a few users. Failing to record or to read
 * the record costs only writes the WFM drops again: warn, go on.
 */
export async function leaveOutUnkept(deps: JobDeps, classified: readonly Action[], basis: UnkeptBasis, log: Logger): Promise<{ actions: Action[]; drift: DriftSummary; unkept: string[] }> {
  const unkeptStore = createUnkeptStore(deps.redis, deps.config.redis.prefix);
  const scimUrl = deps.config.wfm.scimUrl;
  let unkept: string[] = [];
  try {
    if (basis.wholeScope) {
      unkept = findUnkept(classified, basis.current, deps.config.mapping);
      if (!basis.dryRun) await unkeptStore.save({ paths: unkept, scimUrl, runId: basis.runId, at: new Date(deps.now()).toISOString() });
    } else {
      unkept = await unkeptStore.load(scimUrl);
    }
  } catch (err) {
    log.warn('could not record or read the attributes the WFM does not keep: they may be written again this run', { error: err instanceof Error ? err.message : String(err) });
  }
  const actions = dropUnkept(classified, unkept);
  if (unkept.length > 0) {
    log.warn('the WFM does not keep these mapped attributes: they are not written again for them; enable them in the WFM tenant or remove them from the mapping', { attributes: unkept });
  }
  return { actions, drift: countDrift(actions), unkept };
}

/** Creates of users this sync has written before (it keeps their owned values) become conflicts: see holdCreatesWrittenBefore. */
export async function holdCreatesOfKnownUsers(deps: JobDeps, actions: readonly Action[]): Promise<Action[]> {
  const creates = actions.filter((a) => a.type === 'create').map((a) => a.oktaId);
  if (creates.length === 0) return [...actions];
  const known = await store(deps).read(creates);
  return holdCreatesWrittenBefore(actions, new Set(known.keys()));
}

/** A noop compared every owned value with the WFM and found them equal: that is what the WFM holds now. */
export async function confirmNoops(deps: JobDeps, actions: readonly Action[], desired: readonly DesiredUser[]): Promise<void> {
  const byId = new Map(desired.map((d) => [d.oktaId, d]));
  const entries = actions.flatMap((a) => {
    const d = a.type === 'noop' ? byId.get(a.oktaId) : undefined;
    return d ? [{ oktaId: d.oktaId, values: ownedValuesOf(d, deps.config.mapping) }] : [];
  });
  if (entries.length > 0) await store(deps).record(entries);
}

/**
 * After a write: the owned values are now what we sent. The write itself succeeded, so failing
 * to remember it only costs the next run its drift classification for this user: warn, go on.
 */
export async function recordWritten(deps: JobDeps, desired: DesiredUser): Promise<void> {
  try {
    await store(deps).record([{ oktaId: desired.oktaId, values: ownedValuesOf(desired, deps.config.mapping) }]);
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
