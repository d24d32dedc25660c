import type { Action } from '../sync/types';
import { applyPlan, type ApplyOutcome } from './apply-plan';
import type { JobDeps } from './deps';

/**
 * How a run's writes are carried out. In-process (`sync --once`) they are applied here with
 * bounded concurrency; the worker's writer fans them out as one queue job per user. Both end in
 * the same applyAction.
 */
export type Writer = {
  apply(deps: JobDeps, runId: string, actions: readonly Action[]): Promise<ApplyOutcome>;
};

export const inProcessWriter: Writer = {
  apply: (deps, runId, actions) => applyPlan(deps, runId, actions),
};
