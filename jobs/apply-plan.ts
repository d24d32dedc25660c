import { describeError, isSyncError } from '../clients/errors';
import { applyAction } from '../sync/apply';
import { mapPool } from '../sync/pool';
import { emptyApplied, type AppliedCounts, type Failure } from '../sync/report';
import type { Action, CreateAction, UpdateAction } from '../sync/types';
import type { JobDeps } from './deps';

export type ApplyOutcome = { applied: AppliedCounts; failed: Failure[] };

const isWrite = (a: Action): a is CreateAction | UpdateAction => a.type === 'create' || a.type === 'update' || a.type === 'reactivate';

/**
 * Applies every write of a plan with bounded concurrency. One user's failure is recorded (report
 * and audit) and the others go on.
 */
export async function applyPlan(deps: JobDeps, runId: string, actions: readonly Action[]): Promise<ApplyOutcome> {
  const applied = emptyApplied();
  const failed: Failure[] = [];
  const ports = { scim: deps.scim, wfmApi: deps.wfmApi, mapping: deps.config.mapping };
  const writes = actions.filter(isWrite);
  await mapPool(writes, deps.config.wfm.concurrency, async (action) => {
    const at = new Date(deps.now()).toISOString();
    const wfmId = action.type === 'create' ? '' : action.wfmId;
    try {
      const result = await applyAction(action, ports);
      applied[result.appliedAs] += 1;
      deps.logger.info('applied', { runId, action: result.appliedAs, oktaId: action.oktaId, wfmId: result.wfmId, fields: result.changes.map((c) => c.path), note: result.note });
      await deps.audit.append({
        at,
        runId,
        action: result.appliedAs,
        oktaId: action.oktaId,
        userName: action.userName,
        wfmId: result.wfmId,
        outcome: 'applied',
        changes: result.changes.length > 0 ? result.changes : action.type === 'create' ? [] : action.changes,
        ...(result.note !== undefined ? { note: result.note } : {}),
      });
    } catch (err) {
      const error = describeError(err);
      failed.push({ oktaId: action.oktaId, userName: action.userName, action: action.type, error });
      deps.logger.warn('write failed', { runId, action: action.type, oktaId: action.oktaId, wfmId, kind: isSyncError(err) ? err.kind : 'unexpected', error });
      await deps.audit.append({ at, runId, action: action.type, oktaId: action.oktaId, userName: action.userName, wfmId, outcome: 'failed', changes: [], error });
    }
  });
  return { applied, failed };
}
