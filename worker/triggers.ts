import type { TriggerRequest, TriggerResult } from '../jobs';
import { RUN_QUEUES } from '../jobs/queue-names';
import type { Queues } from './queues';

/**
 * The one way a run is asked for (schedule, CLI, HTTP, an incremental run's hand-over to
 * off-boarding). Runs of one kind are deduplicated in BullMQ: a trigger while such a run waits or
 * runs coalesces into it and answers its id; with `followRunning`, one that arrives while the run
 * is running is kept and queued when it ends (BullMQ's keepLastIfActive: still never two at once).
 */
export function dedupId(req: Pick<TriggerRequest, 'kind' | 'dryRun' | 'user'>): string {
  const parts: string[] = [req.kind];
  if (req.user !== undefined) parts.push(req.user.trim().toLowerCase());
  if (req.dryRun) parts.push('dry-run');
  return parts.join('|');
}

export async function triggerRun(queues: Queues, newRunId: (kind: string) => string, req: TriggerRequest): Promise<TriggerResult> {
  const runId = newRunId(req.kind);
  const queue = queues[RUN_QUEUES[req.kind]];
  const data = {
    dryRun: Boolean(req.dryRun),
    runId,
    ...(req.kind === 'resync-user' && req.user !== undefined ? { user: req.user } : {}),
  };
  const job = await queue.add(req.kind, data, {
    jobId: runId,
    deduplication: { id: dedupId(req), ...(req.followRunning ? { keepLastIfActive: true } : {}) },
    attempts: 1,
    removeOnComplete: { count: 1000 },
    removeOnFail: { count: 1000 },
  });
  const id = job.id ?? runId;
  // Kept to follow the run in progress (BullMQ answers that run's id): said so, for the log.
  if (req.followRunning && id !== runId && (await queue.getJobState(id)) === 'active') return { runId: id, coalesced: true, queuedAfter: true };
  return { runId: id, coalesced: id !== runId };
}
