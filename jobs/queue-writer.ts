import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import { createRunChildren } from '../store/run-children';
import { emptyApplied, type Failure } from '../sync/report';
import type { Action } from '../sync/types';
import { isWrite, type ApplyOutcome } from './apply-plan';
import type { JobDeps } from './deps';
import { WFM_WRITE, type WfmWritePayload } from './wfm-write';
import type { Writer } from './writer';

export type QueueWriterOptions = {
  writes: Queue;
  attempts: number;
  pollMs?: number;
};

/** The job id of one run's write for one user: adding it again never makes a second job. */
export const writeJobId = (runId: string, oktaId: string): string => `${runId}.${oktaId}`;

/**
 * The worker's writer: one `wfm-write` job per user, executed by any worker process under the
 * queue's cluster-wide rate limit. The run waits until every write has an outcome, so its report
 * is complete and a second run of the same kind cannot start while writes are in flight.
 */
export function createQueueWriter(opts: QueueWriterOptions): Writer {
  const pollMs = opts.pollMs ?? 500;
  return {
    async apply(deps: JobDeps, runId: string, actions: readonly Action[]): Promise<ApplyOutcome> {
      const writes = actions.filter(isWrite);
      const children = createRunChildren(deps.redis, deps.config.redis.prefix);
      const pending = await children.register(runId, writes);
      for (let i = 0; i < pending.length; i += 500) {
        await opts.writes.addBulk(
          pending.slice(i, i + 500).map((a) => ({
            name: WFM_WRITE,
            data: { runId, oktaId: a.oktaId } satisfies WfmWritePayload,
            opts: {
              jobId: writeJobId(runId, a.oktaId),
              attempts: opts.attempts,
              backoff: { type: 'jittered' },
              removeOnComplete: { age: 24 * 3600, count: 10000 },
              removeOnFail: { age: 7 * 24 * 3600 },
            },
          })),
        );
      }
      deps.logger.info('writes enqueued', { runId, writes: writes.length, enqueued: pending.length });
      for (;;) {
        const { total, done } = await children.progress(runId);
        if (done >= total) break;
        await sleep(pollMs);
      }
      const applied = emptyApplied();
      const failed: Failure[] = [];
      for (const o of await children.outcomes(runId)) {
        if (o.appliedAs) applied[o.appliedAs] += 1;
        else failed.push({ oktaId: o.oktaId, userName: o.userName, action: o.action, error: o.error ?? 'failed' });
      }
      return { applied, failed };
    },
  };
}
