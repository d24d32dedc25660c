import { describeError, isSyncError } from '../clients/errors';
import type { WriteAction } from '../store/run-children';
import { applyAction, type ApplyResult } from '../sync/apply';
import { mapPool } from '../sync/pool';
import { emptyApplied, type AppliedCounts, type Failure } from '../sync/report';
import type { Action } from '../sync/types';
import type { JobDeps } from './deps';

export type ApplyOutcome = { applied: AppliedCounts; failed: Failure[] };

export const isWrite = (a: Action): a is WriteAction => a.type === 'create' || a.type === 'update' || a.type === 'reactivate';

/** Carries out one write: the same function in-process and in a queued write job. Throws on failure. */
export function executeWrite(deps: JobDeps, action: WriteAction): Promise<ApplyResult> {
  return applyAction(action, { scim: deps.scim, wfmApi: deps.wfmApi, mapping: deps.config.mapping });
}

/** Logs and audits an applied write. */
export async function recordApplied(deps: JobDeps, runId: string, action: WriteAction, result: ApplyResult): Promise<void> {
  // A revive brings someone back into the WFM: warn, like a deactivation, with its reason.
  const level = result.appliedAs === 'reactivate' ? 'warn' : 'info';
  deps.logger.log(level, 'applied', { runId, action: result.appliedAs, oktaId: action.oktaId, wfmId: result.wfmId, fields: result.changes.map((c) => c.path), note: result.note, reason: action.reason });
  await deps.audit.append({
    at: new Date(deps.now()).toISOString(),
    runId,
    action: result.appliedAs,
    oktaId: action.oktaId,
    userName: action.userName,
    wfmId: result.wfmId,
    outcome: 'applied',
    changes: result.changes.length > 0 || action.type === 'create' ? result.changes : action.changes,
    ...(result.note !== undefined ? { note: result.note } : {}),
    reason: action.reason,
  });
}

/** Logs and audits a write that failed for good; answers the report's failure entry. */
export async function recordFailed(deps: JobDeps, runId: string, action: WriteAction, err: unknown): Promise<Failure> {
  const error = describeError(err);
  const wfmId = action.type === 'create' ? '' : action.wfmId;
  deps.logger.warn('write failed', { runId, action: action.type, oktaId: action.oktaId, wfmId, kind: isSyncError(err) ? err.kind : 'unexpected', error });
  await deps.audit.append({ at: new Date(deps.now()).toISOString(), runId, action: action.type, oktaId: action.oktaId, userName: action.userName, wfmId, outcome: 'failed', changes: [], error });
  return { oktaId: action.oktaId, userName: action.userName, action: action.type, error };
}

/**
 * Applies every write of a plan in this process with bounded concurrency. One user's failure is
 * recorded (report and audit) and the others go on.
 */
export async function applyPlan(deps: JobDeps, runId: string, actions: readonly Action[]): Promise<ApplyOutcome> {
  const applied = emptyApplied();
  const failed: Failure[] = [];
  await mapPool(actions.filter(isWrite), deps.config.wfm.concurrency, async (action) => {
    try {
      const result = await executeWrite(deps, action);
      applied[result.appliedAs] += 1;
      await recordApplied(deps, runId, action, result);
    } catch (err) {
      failed.push(await recordFailed(deps, runId, action, err));
    }
  });
  return { applied, failed };
}
