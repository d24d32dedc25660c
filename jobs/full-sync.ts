import type { OktaPull } from '../clients/okta';
import { z } from 'zod';
import { createPullStats } from '../store/pull-stats';
import { createSeenInScope } from '../store/seen-in-scope';
import { pullDrop } from '../sync/guard';
import type { JobDeps } from './deps';
import { readWfmUsers } from './read-wfm';
import type { RunOutcome } from './run-report';
import { runSyncPipeline, type RunHooks } from './sync-pipeline';

export type { RunOutcome } from './run-report';

export const FULL_SYNC = 'full-sync' as const;

export const fullSyncPayload = z.object({ dryRun: z.boolean().default(false), runId: z.string().optional() }).strict();
export type FullSyncPayload = z.infer<typeof fullSyncPayload>;

/**
 * Every in-scope Okta user. A complete pull is the baseline off-boarding compares its own pull's
 * in-scope count with, and what an incremental run estimates the cost of reading everything by;
 * its users are kept as seen in scope (off-boarding deactivates only those). A dry run keeps
 * neither; and a count that fell by more than DEACTIVATION_MAX_PERCENT is no baseline (it may be a
 * group that lost its assignment): off-boarding judges it against the last good one, and an
 * approved plan makes it the baseline.
 */
export async function pullWholeScope(deps: JobDeps, source: string, dryRun: boolean): Promise<OktaPull> {
  const pull = await deps.okta.pullInScope();
  if (dryRun) return pull;
  await createSeenInScope(deps.redis, deps.config.redis.prefix).add([...pull.users.map((u) => u.id), ...pull.rejected.map((r) => r.oktaId)]);
  const stats = createPullStats(deps.redis, deps.config.redis.prefix);
  const before = await stats.last();
  if (pullDrop(before?.inScope, pull.counts.inScope, deps.config.offboard.maxPercent)) {
    deps.logger.warn('okta in-scope count fell: the last good count stays the baseline for off-boarding', { before: before?.inScope, now: pull.counts.inScope });
    return pull;
  }
  await stats.record({ inScope: pull.counts.inScope, appUsers: pull.counts.appUsers, at: new Date(deps.now()).toISOString(), source });
  return pull;
}

/** The full reconcile: every in-scope Okta user against the whole WFM. */
export async function runFullSync(deps: JobDeps, input: Partial<FullSyncPayload> = {}, hooks: RunHooks = {}): Promise<RunOutcome> {
  const payload = fullSyncPayload.parse(input);
  return runSyncPipeline(deps, FULL_SYNC, { ...hooks, dryRun: payload.dryRun, ...(payload.runId ? { runId: payload.runId } : {}) }, {
    pull: () => pullWholeScope(deps, FULL_SYNC, payload.dryRun),
    readWfm: (desired) => readWfmUsers(deps.scim, deps.config.wfm.readMode, desired, deps.config.wfm.concurrency),
    wholeScope: true,
  });
}
