import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { isTransient } from '../clients/errors';
import { createRunChildren, type ChildOutcome } from '../store/run-children';
import type { JobDeps } from './deps';
import { executeWrite, recordApplied, recordFailed } from './apply-plan';

export const WFM_WRITE = 'wfm-write' as const;

/** Ids only: the action itself is kept with the run in Redis. */
export const wfmWritePayload = z.object({ runId: z.string().min(1), oktaId: z.string().min(1) }).strict();
export type WfmWritePayload = z.infer<typeof wfmWritePayload>;

export type Attempt = { number: number; of: number };

/**
 * One fanned-out write. Transient failures are thrown for the queue to retry with backoff; a
 * permanent one, or the last attempt's, is recorded as the user's outcome and ends the job.
 */
export async function runWfmWrite(deps: JobDeps, payload: WfmWritePayload, attempt: Attempt): Promise<ChildOutcome> {
  const children = createRunChildren(deps.redis, deps.config.redis.prefix);
  const done = await children.outcome(payload.runId, payload.oktaId);
  if (done) return done; // delivered again after it finished: nothing to do
  const action = await children.action(payload.runId, payload.oktaId);
  if (!action) throw new UnrecoverableError(`run ${payload.runId} has no write for ${payload.oktaId}`);
  try {
    const result = await executeWrite(deps, action);
    const outcome: ChildOutcome = { oktaId: action.oktaId, userName: action.userName, action: action.type, appliedAs: result.appliedAs };
    if (await children.complete(payload.runId, outcome)) await recordApplied(deps, payload.runId, action, result);
    return outcome;
  } catch (err) {
    const last = attempt.number >= attempt.of;
    if (isTransient(err) && !last) throw err;
    const failure = await recordFailed(deps, payload.runId, action, err);
    await children.complete(payload.runId, { oktaId: action.oktaId, userName: action.userName, action: action.type, error: failure.error });
    throw new UnrecoverableError(failure.error);
  }
}

/** Records a write whose job failed without reaching the handler's own recording (e.g. stalled too often). */
export async function recordLostWrite(deps: JobDeps, payload: WfmWritePayload, reason: string): Promise<void> {
  const children = createRunChildren(deps.redis, deps.config.redis.prefix);
  const action = await children.action(payload.runId, payload.oktaId);
  if (!action) return;
  if (await children.complete(payload.runId, { oktaId: action.oktaId, userName: action.userName, action: action.type, error: reason })) {
    await recordFailed(deps, payload.runId, action, new Error(reason));
  }
}
