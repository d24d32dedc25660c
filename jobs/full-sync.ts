import type { OktaPull } from '../clients/okta';
import { z } from 'zod';
import type { JobDeps } from './deps';
import { recordCompletePull } from './pull-records';
import { readWfmUsers } from './read-wfm';
import type { RunOutcome } from './run-report';
import { runSyncPipeline, type RunHooks } from './sync-pipeline';

export type { RunOutcome } from './run-report';

export const FULL_SYNC = 'full-sync' as const;

export const fullSyncPayload = z.object({ dryRun: z.boolean().default(false), runId: z.string().optional() }).strict();
export type FullSyncPayload = z.infer<typeof fullSyncPayload>;

/**
 * Every in-scope Okta user, recorded as a complete pull (recordCompletePull): also what an
 * incremental run estimates the cost of reading everything by.
 */
export async function pullWholeScope(deps: JobDeps, source: string, dryRun: boolean): Promise<OktaPull> {
  const pull = await deps.okta.pullInScope();
  await recordCompletePull(deps, pull, source, dryRun, deps.logger);
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
