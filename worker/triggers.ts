import type { OktaSource } from '../clients/okta';
import type { TriggerRequest, TriggerResult } from '../jobs';
import { RUN_QUEUES, type RunJobKind } from '../jobs/queue-names';
import { noSuchOktaUser } from '../jobs/resync-user';
import type { Queues } from './queues';
import { within } from './within';

/** How long a trigger waits for Okta to say whether it has a user, before it queues the resync all the same. */
export const USER_CHECK_MS = 5000;

/**
 * Before a one-user resync is queued, Okta is asked once whether it has the user: the message to
 * answer when it says it has not. Undefined when it has, or gave no answer in time (down, slow,
 * refusing): the resync is queued, and its run reads the user and reports what it found.
 */
export async function missingOktaUser(okta: Pick<OktaSource, 'userExists'>, user: string, ms = USER_CHECK_MS): Promise<string | undefined> {
  return (await within(okta.userExists(user), ms)) === false ? noSuchOktaUser(user) : undefined;
}

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

/** A trigger's answer to a person or a script: `noWorker` when no worker process listens on the run's queue. */
export type TriggerAnswer = TriggerResult & { noWorker?: true };

/** Said after "Queued" when no worker listens: the run is queued all the same. */
export const NO_WORKER = 'no worker is running: it will run when one starts (okta-wfm-sync worker)';

/**
 * `result` with `noWorker` when no worker process listens on the queue a run of `kind` is taken
 * from (BullMQ names its workers' Redis connections). A Redis that will not list its clients,
 * or does not answer in time, says nothing: the run is queued either way.
 */
export async function withWorkerCheck(queues: Queues, kind: RunJobKind, result: TriggerResult): Promise<TriggerAnswer> {
  const workers = await within(queues[RUN_QUEUES[kind]].getWorkersCount(), 2000);
  return workers === 0 ? { ...result, noWorker: true } : result;
}
