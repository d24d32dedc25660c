import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { isTransient } from '../clients/errors';
import { createRunChildren, type ChildOutcome, type WriteAction } from '../store/run-children';
import type { JobDeps } from './deps';
import { describeApplied, describeFailed, executeWrite, notAttempted, stopsTheRun } from './apply-plan';

export const WFM_WRITE = 'wfm-write' as const;

/** Ids only: the action itself is kept with the run in Redis. */
export const wfmWritePayload = z.object({ runId: z.string().min(1), oktaId: z.string().min(1) }).strict();
export type WfmWritePayload = z.infer<typeof wfmWritePayload>;

export type Attempt = { number: number; of: number };

const outcomeOf = (action: WriteAction, rest: Pick<ChildOutcome, 'appliedAs' | 'error' | 'retries'>): ChildOutcome => ({
  oktaId: action.oktaId,
  userName: action.userName,
  action: action.type,
  ...rest,
});

/**
 * One fanned-out write. Transient failures are thrown for the queue to retry with backoff; a
 * permanent one, or the last attempt's, is recorded as the user's outcome and ends the job. The
 * Redis work is two round trips: one to read the action (and whether it is done or the run
 * stopped), one to record the outcome with its audit entry and drift values.
 */
export async function runWfmWrite(deps: JobDeps, payload: WfmWritePayload, attempt: Attempt): Promise<ChildOutcome> {
  const children = createRunChildren(deps.redis, deps.config.redis.prefix);
  const { action, outcome: done, stopped } = await children.load(payload.runId, payload.oktaId);
  if (done) return done; // delivered again after it finished: nothing to do
  if (!action) throw new UnrecoverableError(`run ${payload.runId} has no write for ${payload.oktaId}`);
  if (stopped !== undefined) {
    const outcome = outcomeOf(action, { error: notAttempted(stopped.reason) });
    await children.complete(payload.runId, outcome);
    return outcome;
  }
  let retries = 0;
  try {
    const result = await executeWrite(deps, action, () => (retries += 1));
    const outcome = outcomeOf(action, { appliedAs: result.appliedAs, ...(retries > 0 ? { retries } : {}) });
    await children.complete(payload.runId, outcome, describeApplied(deps, payload.runId, action, result));
    return outcome;
  } catch (err) {
    const last = attempt.number >= attempt.of;
    if (isTransient(err) && !last) {
      // This attempt's retries, and the job's own retry that follows.
      await children.addRetries(payload.runId, retries + 1);
      throw err;
    }
    const { failure, audit } = describeFailed(deps, payload.runId, action, err);
    if (stopsTheRun(err)) await children.stop(payload.runId, { service: err.service, reason: failure.error });
    await children.complete(payload.runId, outcomeOf(action, { error: failure.error, ...(retries > 0 ? { retries } : {}) }), { audit });
    throw new UnrecoverableError(failure.error);
  }
}

/** Records a write whose job failed without reaching the handler's own recording (e.g. stalled too often). */
export async function recordLostWrite(deps: JobDeps, payload: WfmWritePayload, reason: string): Promise<void> {
  const children = createRunChildren(deps.redis, deps.config.redis.prefix);
  const { action, outcome } = await children.load(payload.runId, payload.oktaId);
  if (!action || outcome) return; // recorded already, by the handler or by the run
  const { audit } = describeFailed(deps, payload.runId, action, new Error(reason));
  await children.complete(payload.runId, outcomeOf(action, { error: reason }), { audit });
}
