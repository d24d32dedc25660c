import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import type { JobDeps } from './deps';
import { fullSyncPayload, runFullSync } from './full-sync';
import { incrementalSyncPayload, runIncrementalSync } from './incremental-sync';
import { offboardPayload, runOffboard } from './offboard';
import { QUEUE_NAMES, SCHEDULED_KINDS, scheduleId, type QueueKey, type RunJobKind, type ScheduledKind } from './queue-names';
import { resyncUserPayload, runResyncUser } from './resync-user';
import { finishRun, startRun, type RunOutcome } from './run-report';
import { parseWfmWritePayload, recordLostWrite, runWfmWrite, type Attempt } from './wfm-write';

export type TriggerRequest = {
  kind: RunJobKind;
  dryRun?: boolean;
  user?: string;
  reason: string;
  /**
   * While a run of this kind is already running, one more follows it (instead of the request
   * coalescing into a run that may have read Okta before the change that asked for it). Several
   * such requests during one run make one more run, not several.
   */
  followRunning?: boolean;
};
/** `queuedAfter`: coalesced with `followRunning` into a run in progress, so one more run follows it. */
export type TriggerResult = { runId: string; coalesced: boolean; queuedAfter?: true };

/** What a handler gets besides its payload. */
export type JobContext = {
  deps: JobDeps;
  attempt: Attempt;
  trigger(req: TriggerRequest): Promise<TriggerResult>;
};

export type JobDefinition = {
  queue: QueueKey;
  run(ctx: JobContext, data: unknown): Promise<unknown>;
  /** Called when the queue gives the job up without the handler having recorded it. */
  lost?(ctx: JobContext, data: unknown, reason: string): Promise<void>;
};

/** A run's job result: a summary (the full report is in the run history). */
function runResult(outcome: RunOutcome): { runId: string; planned: unknown; applied: unknown; failed: number } {
  if (outcome.fatal) throw new UnrecoverableError(outcome.fatal.message);
  const r = outcome.report;
  return { runId: r.runId, planned: r.planned, applied: r.applied, failed: r.failed.length };
}

/** The ids a run job carries, as far as a report of it needs them. */
const runIds = z.object({ runId: z.string().min(1), dryRun: z.boolean().optional() }).loose();

/**
 * A run job the queue gave up without its handler having finished (taken over too often after
 * its workers stopped): its report says so, unless the run got as far as keeping one.
 */
function lostRun(kind: RunJobKind): NonNullable<JobDefinition['lost']> {
  return async (ctx, data, reason) => {
    const ids = runIds.safeParse(data);
    if (!ids.success || (await ctx.deps.history.get(ids.data.runId))) return;
    const draft = startRun(ctx.deps, kind, ids.data.dryRun ?? false, ids.data.runId);
    draft.report.error = `the run was given up before it finished: ${reason}; the next run of this kind does its work`;
    await finishRun(ctx.deps, draft);
  };
}

const tickPayload = z.object({ kind: z.enum(SCHEDULED_KINDS) }).strict();

const tick = (queue: QueueKey): JobDefinition => ({
  queue,
  run: async (ctx, data) => ctx.trigger({ kind: tickPayload.parse(data).kind, reason: 'schedule' }),
});

export type JobName = RunJobKind | 'wfm-write' | `schedule.${ScheduledKind}`;

/**
 * Every job and its handler. `satisfies` makes a job name without a handler a compile error;
 * `assertRegistry` checks at start-up that each runs on a queue the worker serves.
 */
export const JOBS = {
  'full-sync': { queue: 'sync', run: async (ctx, data) => runResult(await runFullSync(ctx.deps, fullSyncPayload.parse(data))), lost: lostRun('full-sync') },
  'incremental-sync': {
    queue: 'sync',
    run: async (ctx, data) => runResult(await runIncrementalSync(ctx.deps, incrementalSyncPayload.parse(data))),
    lost: lostRun('incremental-sync'),
  },
  'resync-user': { queue: 'sync', run: async (ctx, data) => runResult(await runResyncUser(ctx.deps, resyncUserPayload.parse(data))), lost: lostRun('resync-user') },
  offboard: {
    queue: 'offboarding',
    run: async (ctx, data) => {
      const outcome = await runOffboard(ctx.deps, offboardPayload.parse(data));
      // A tripped guard ends the job as failed, with the message that says how to proceed.
      if (outcome.guard) throw new UnrecoverableError(outcome.guard.message);
      return runResult(outcome);
    },
    lost: lostRun('offboard'),
  },
  'wfm-write': {
    queue: 'writes',
    // No result kept with the job: the outcome is recorded with the run (and the job removed).
    run: async (ctx, data) => {
      await runWfmWrite(ctx.deps, parseWfmWritePayload(data), ctx.attempt);
    },
    lost: (ctx, data, reason) => recordLostWrite(ctx.deps, parseWfmWritePayload(data), reason),
  },
  'schedule.full-sync': tick('sync'),
  'schedule.incremental-sync': tick('sync'),
  'schedule.offboard': tick('offboarding'),
} satisfies Record<JobName, JobDefinition>;

export function assertRegistry(): void {
  for (const [name, def] of Object.entries(JOBS)) {
    if (!(def.queue in QUEUE_NAMES)) throw new Error(`job ${name} has no queue`);
  }
  for (const kind of SCHEDULED_KINDS) {
    if (!jobFor(scheduleId(kind))) throw new Error(`the schedule of ${kind} has no handler`);
  }
}

export function jobFor(name: string): JobDefinition | undefined {
  return (JOBS as Record<string, JobDefinition | undefined>)[name];
}
