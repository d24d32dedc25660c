import type { Logger } from 'winston';
import { createOwnedValues, type OwnedValuesStore } from '../store/owned-values';
import { classifyPlan, needsLastWritten, ownedValuesOf, type DriftSummary } from '../sync/drift';
import { holdCreatesWrittenBefore } from '../sync/plan';
import type { Action, DesiredUser, OktaUser, Rejected } from '../sync/types';
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
