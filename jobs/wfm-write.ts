import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { isTransient } from '../clients/errors';
import type { ApplyResult } from '../sync/apply';
import { createRunChildren, type ChildOutcome, type RunChildren, type WriteAction } from '../store/run-children';
import type { JobDeps } from './deps';
import { ChangeIgnoredError, describeApplied, describeFailed, executeWrite, notAttempted, ownedAfter, stopsTheRun } from './apply-plan';

export const WFM_WRITE = 'wfm-write' as const;

/**
 * The write's ids: the write itself is the run's, in Redis (and, for a first start in the process
 * that planned it, in that process's memory: PlannedWrites). Jobs queued by an earlier version
 * carried the action as well; it is still accepted from them.
 */
export const wfmWritePayload = z
  .object({
    runId: z.string().min(1),
    oktaId: z.string().min(1),
    // Built by our own planner and kept verbatim: checked for the fields that name it, not re-validated.
    action: z.looseObject({ type: z.enum(['create', 'update', 'reactivate']), oktaId: z.string().min(1), userName: z.string() }).optional(),
  })
  .strict()
  .refine((p) => p.action === undefined || p.action.oktaId === p.oktaId, { message: "the action's oktaId differs from the job's", path: ['action', 'oktaId'] });
export type WfmWritePayload = Readonly<{ runId: string; oktaId: string; action?: WriteAction }>;

/** A write job's data, checked; the action is the planner's own, carried through Redis as JSON. */
export const parseWfmWritePayload = (data: unknown): WfmWritePayload => wfmWritePayload.parse(data) as WfmWritePayload;

/** `first`: the job's first start (no earlier attempt, never stalled, no failure on record; see isFirstStart): a write its planning registered cannot have an outcome yet. */
export type Attempt = { number: number; of: number; first?: boolean };

/**
 * How old the run's stop flag, as this process last read it, may be for a first delivery to rely
 * on it. A worker busy with writes reads it with each one it finishes (in the same round trip), so
 * a stop made in another process is seen within about one write; an idle one reads it again.
 */
export const STOP_FLAG_FRESH_MS = 1000;

/**
 * The action to carry out, its outcome if it has one, and whether the run stopped. A first start
 * in the process that planned the write takes it from memory, and the stop flag as last read, when
 * fresh: no round trip. Anything else (another process, delivered again) reads all three.
 */
async function loadWrite(deps: JobDeps, children: RunChildren, payload: WfmWritePayload, attempt: Attempt): ReturnType<RunChildren['load']> {
  const planned = attempt.first ? (payload.action ?? deps.plannedWrites?.take(payload.runId, payload.oktaId)) : undefined;
  if (planned) {
    const known = children.knownStop(payload.runId, STOP_FLAG_FRESH_MS);
    if (known) return { action: planned, outcome: undefined, stopped: known.stopped };
  }
  return children.load(payload.runId, payload.oktaId);
}

const outcomeOf = (action: WriteAction, rest: Pick<ChildOutcome, 'appliedAs' | 'error' | 'kind' | 'retries' | 'dropped' | 'ignored' | 'wfmId' | 'noAnswer'>): ChildOutcome => ({
  oktaId: action.oktaId,
  userName: action.userName,
  action: action.type,
  ...rest,
});

/** What the WFM's answer showed, for the run to judge the attributes it does not keep (sync/unkept.ts) or change (sync/unchangeable.ts) by. */
function answerOf(result: ApplyResult): Pick<ChildOutcome, 'dropped' | 'ignored' | 'wfmId' | 'noAnswer'> {
  if (result.dropped === undefined) return { noAnswer: true };
  const ignored = Object.keys(result.ignored ?? {});
  return {
    ...(result.dropped.length > 0 ? { dropped: [...result.dropped] } : {}),
    ...(ignored.length > 0 ? { ignored } : {}),
    ...(result.dropped.length > 0 || ignored.length > 0 ? { wfmId: result.wfmId } : {}),
  };
}

/**
 * One fanned-out write. Transient failures are thrown for the queue to retry with backoff; a
 * permanent one, or the last attempt's, is recorded as the user's outcome and ends the job. The
 * Redis work is one round trip on a first delivery, to record the outcome with its audit entry and
 * drift values; a job delivered again first reads whether it is done or the run stopped.
 */
export async function runWfmWrite(deps: JobDeps, payload: WfmWritePayload, attempt: Attempt): Promise<ChildOutcome> {
  const children = createRunChildren(deps.redis, deps.config.redis.prefix);
  const { action, outcome: done, stopped } = await loadWrite(deps, children, payload, attempt);
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
    const outcome = outcomeOf(action, { appliedAs: result.appliedAs, ...(retries > 0 ? { retries } : {}), ...answerOf(result) });
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
    // The rest of a write the WFM answered with changes left as they were was applied: its answer
    // counts as evidence, and what the WFM holds now is recorded, as for an applied one.
    const ignored = err instanceof ChangeIgnoredError ? { answer: answerOf(err.result), owned: ownedAfter(deps, action, err.result) } : undefined;
    const outcome = outcomeOf(action, { error: failure.error, ...(failure.kind ? { kind: failure.kind } : {}), ...(retries > 0 ? { retries } : {}), ...ignored?.answer });
    await children.complete(payload.runId, outcome, { audit, ...(ignored ? { owned: ignored.owned } : {}) });
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
