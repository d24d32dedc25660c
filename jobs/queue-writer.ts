import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import { createRunChildren, type RunChildren, type WriteAction } from '../store/run-children';
import { emptyApplied, type Failure } from '../sync/report';
import type { Action } from '../sync/types';
import { tallyAnswer, type AnswerTally } from '../sync/kept-answers';
import { SyncError } from '../clients/errors';
import { describeFailed, isWrite, tallyAnswered, type ApplyOutcome } from './apply-plan';
import type { JobDeps } from './deps';
import { WFM_WRITE, type WfmWritePayload } from './wfm-write';
import type { Writer } from './writer';

export type QueueWriterOptions = {
  writes: Queue;
  attempts: number;
  pollMs?: number;
  /** How long no write may finish before the run looks for writes whose job is gone. */
  stuckMs?: number;
  /** Runs with at most this many writes go ahead of the writes already waiting (see `enqueue`). */
  frontOfQueueMax?: number;
};

/**
 * A run of a few writes (a one-user resync, a usual incremental run) goes ahead of the writes
 * waiting: behind a large run's backlog (an initial sync of 100,000 users at WFM_MAX_RPS) it would
 * wait for hours. Its jobs are queued at the front (LIFO), under the same rate limit; a retry after
 * a backoff comes back at the end (BullMQ queues delayed jobs so). Not when another run still has
 * a write for one of its users: that older plan's write would then land after this newer one and
 * undo it, so the run waits its turn. (Prioritizing the backlog instead would keep retries ahead
 * too, but BullMQ's prioritized jobs cost the worker about 15 % of its write rate: measured.)
 */
const FRONT_OF_QUEUE_MAX = 100;

const STUCK_MS = 60_000;

/**
 * Records as failed the unfinished writes whose job will not record them: gone from the queue, or
 * failed without an outcome (its handler never ran to the end, e.g. a payload it could not read).
 */
async function recordVanished(deps: JobDeps, writes: Queue, children: RunChildren, runId: string): Promise<void> {
  for (const oktaId of await children.unfinished(runId, 1000)) {
    const job = await writes.getJob(writeJobId(runId, oktaId));
    if (job && (await job.getState()) !== 'failed') continue; // waiting, delayed or running: it records itself
    const action = await children.action(runId, oktaId);
    if (!action) continue;
    const error = job ? `its write job failed without recording an outcome (${job.failedReason || 'no reason given'})` : 'its write job disappeared from the queue';
    const { audit } = describeFailed(deps, runId, action, new Error(error));
    await children.complete(runId, { oktaId, userName: action.userName, action: action.type, error }, { audit });
  }
}

/**
 * The job id of one run's write for one user: adding it again never makes a second job. BullMQ
 * refuses a job id with a colon, which an Okta id (typed as any string) may hold: it is written
 * `%3A` (and `%` as `%25`, so no two ids meet); Okta's own ids are left as they are.
 */
export const writeJobId = (runId: string, oktaId: string): string => `${runId}.${oktaId.replace(/%/g, '%25').replace(/:/g, '%3A')}`;

/** Queues one job per pending write, its payload ids only (see PlannedWrites for the first start). */
async function enqueue(deps: JobDeps, opts: QueueWriterOptions, children: RunChildren, runId: string, pending: readonly { action: WriteAction; fresh: boolean }[]): Promise<void> {
  // Only a write this planning registered is kept for its job: one registered before may have had
  // a job that records its outcome meanwhile, so its new job reads that first.
  deps.plannedWrites?.keep(runId, pending.filter((p) => p.fresh).map((p) => p.action));
  const ahead = pending.length <= (opts.frontOfQueueMax ?? FRONT_OF_QUEUE_MAX) && !(await children.pendingElsewhere(runId, pending.map((p) => p.action.oktaId)));
  for (let i = 0; i < pending.length; i += 500) {
    await opts.writes.addBulk(
      pending.slice(i, i + 500).map(({ action: a }) => ({
        name: WFM_WRITE,
        data: { runId, oktaId: a.oktaId } satisfies WfmWritePayload,
        opts: {
          jobId: writeJobId(runId, a.oktaId),
          attempts: opts.attempts,
          backoff: { type: 'jittered' },
          removeOnComplete: true,
          removeOnFail: { age: 7 * 24 * 3600 },
          ...(ahead ? { lifo: true } : {}),
        },
      })),
    );
  }
}

/** Waits until every write of the run has an outcome; answers what they came to. */
async function outcomesOf(deps: JobDeps, opts: QueueWriterOptions, children: RunChildren, runId: string, writes: readonly WriteAction[]): Promise<ApplyOutcome> {
  const pollMs = opts.pollMs ?? 500;
  const stuckMs = opts.stuckMs ?? STUCK_MS;
  let lastDone = -1;
  let stuckSince = Date.now();
  for (;;) {
    const { total, done } = await children.progress(runId);
    deps.onProgress?.({ phase: 'write', done, total, finished: done >= total });
    if (done >= total) break;
    if (done !== lastDone) {
      lastDone = done;
      stuckSince = Date.now();
    } else if (Date.now() - stuckSince > stuckMs) {
      // Nothing finished for a while: a write whose job is gone (removed by hand, lost with an
      // unsafe Redis) would hold the run forever, so it is recorded as failed.
      await recordVanished(deps, opts.writes, children, runId);
      stuckSince = Date.now();
    }
    await sleep(pollMs);
  }
  const applied = emptyApplied();
  const failed: Failure[] = [];
  let retries = await children.retries(runId);
  const answers: AnswerTally = {};
  const changes: AnswerTally = {};
  const byId = new Map(writes.map((w) => [w.oktaId, w]));
  for (const o of await children.outcomes(runId)) {
    retries += o.retries ?? 0;
    const write = byId.get(o.oktaId);
    const sent = o.appliedAs && !o.noAnswer ? write?.desired : undefined;
    if (sent) tallyAnswer(answers, sent, deps.config.mapping, o.dropped ?? [], o.wfmId);
    // The changes the answer made or left as they were: an applied write's, or one that failed for it.
    if (write && ((o.appliedAs && !o.noAnswer) || o.ignored)) {
      tallyAnswered(changes, write, o.ignored ?? [], o.wfmId);
    }
    if (o.appliedAs) applied[o.appliedAs] += 1;
    else failed.push({ oktaId: o.oktaId, userName: o.userName, action: o.action, error: o.error ?? 'failed', ...(o.kind ? { kind: o.kind } : {}) });
  }
  const stopped = await children.stopped(runId);
  // The writes stopped on an auth failure (in whichever worker): the run stops with that reason.
  return { applied, failed, retries, answers, changes, ...(stopped ? { stopped: new SyncError(stopped.reason, { kind: 'auth', service: stopped.service }) } : {}) };
}

/**
 * The worker's writer: one `wfm-write` job per user, executed by any worker process under the
 * queue's cluster-wide rate limit. The run waits until every write has an outcome, so its report
 * is complete and a second run of the same kind cannot start while writes are in flight.
 */
export function createQueueWriter(opts: QueueWriterOptions): Writer {
  return {
    async apply(deps: JobDeps, runId: string, actions: readonly Action[]): Promise<ApplyOutcome> {
      const writes = actions.filter(isWrite);
      const children = createRunChildren(deps.redis, deps.config.redis.prefix);
      const pending = await children.register(runId, writes);
      try {
        await enqueue(deps, opts, children, runId, pending);
        deps.logger.info('writes enqueued', { runId, writes: writes.length, enqueued: pending.length });
        const outcome = await outcomesOf(deps, opts, children, runId, writes);
        await children.release(runId);
        return outcome;
      } finally {
        deps.plannedWrites?.forget(runId);
      }
    },
  };
}
