import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Logger } from 'winston';
import { isSyncError } from '../clients/errors';
import { leaversStay, offboardingOff } from '../config/offboarding';
import { checkServiceUrl } from '../config/url';
import type { AppConfig } from '../config/app-config';
import { assertRegistry, jobFor, type JobContext, type TriggerRequest } from '../jobs';
import { loadKept } from '../jobs/drift';
import { createQueueWriter } from '../jobs/queue-writer';
import { unkeptByVerdict } from '../sync/unkept';
import { judgeUnchangeable } from '../sync/unchangeable';
import { QUEUE_NAMES, type QueueKey } from '../jobs/queue-names';
import { startHttp, type HttpServer, type WorkerState, type WorkerStates } from './http';
import { buildApp, newRunId, type App } from './main';
import { createMetrics, type Metrics } from './metrics';
import { bullConnection, createQueues, type Queues } from './queues';
import { applySchedules } from './schedules';
import { triggerRun } from './triggers';
import { within } from './within';
import { throttledError } from './log-throttle';

export type WorkerHandle = {
  app: App;
  queues: Queues;
  metrics: Metrics;
  http: HttpServer | undefined;
  /** One BullMQ worker per queue; /healthz reports their states. */
  workers: readonly Worker[];
  close(): Promise<void>;
};

/** Where the process is: its workers take jobs only once start-up is done, and stop when it shuts down. */
export type ProcessPhase = 'starting' | 'running' | 'stopping';

/**
 * One worker's state for /healthz, from what BullMQ knows in memory. During start-up and shutdown
 * the process's phase is the answer: a worker not yet run, or paused to let its jobs finish, is expected.
 */
export function workerState(worker: Pick<Worker, 'isRunning' | 'isPaused' | 'closing'>, phase: ProcessPhase): WorkerState {
  if (phase !== 'running') return phase;
  if (worker.closing !== undefined) return 'stopped';
  // A paused worker's loop ends once its jobs are done: it is paused then, not stopped.
  if (worker.isPaused()) return 'paused';
  return worker.isRunning() ? 'running' : 'stopped';
}

/** The states of a process's workers, by queue name. */
export function workerStates(workers: readonly Worker[], phase: ProcessPhase): WorkerStates {
  return Object.fromEntries(workers.map((w) => [w.name, workerState(w, phase)]));
}

/** Backoff of a queued write: the server's Retry-After when it gave one, else exponential with full jitter. */
export function writeBackoff(attemptsMade: number, err: Error | undefined): number {
  if (isSyncError(err) && err.retryAfterMs !== undefined) return err.retryAfterMs + Math.floor(Math.random() * 250);
  const ceiling = Math.min(300_000, 1000 * 2 ** Math.max(0, attemptsMade - 1));
  return Math.floor(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * WFM_MAX_RPS as BullMQ windows of about a tenth of a second, so writes are spread over each
 * second instead of arriving as one burst at its start; rounding only ever slows them.
 */
export function writeLimiter(perSecond: number): { max: number; duration: number } {
  const max = Math.ceil(perSecond / 10);
  return { max, duration: Math.ceil((1000 * max) / perSecond) };
}

/**
 * Whether this start of the job is its first: no attempt made before, no start lost (attemptsStarted
 * counts this one; stalledCounter), and no failure on record. The stack traces of a failure stay
 * with the job when it is retried through BullMQ's API, even with both attempt counters reset.
 */
export const isFirstStart = (job: Job): boolean =>
  job.attemptsMade === 0 && job.attemptsStarted <= 1 && job.stalledCounter === 0 && (job.stacktrace?.length ?? 0) === 0;

/**
 * Write jobs one worker process runs at once: twice the requests allowed in flight (the clients'
 * gate holds those to WFM_CONCURRENCY), so one job's Redis bookkeeping overlaps another's request
 * instead of leaving the WFM idle.
 */
export const writeJobsPerProcess = (wfmConcurrency: number): number => wfmConcurrency * 2;

const CONCURRENCY: Record<QueueKey, (c: AppConfig) => number> = {
  // One sync run at a time in the whole cluster (SYNC_RUNS_AT_ONCE, set on the queue at start-up).
  sync: () => SYNC_RUNS_AT_ONCE,
  writes: (c) => writeJobsPerProcess(c.wfm.concurrency),
  offboarding: () => 2,
};

/**
 * Full, incremental and single-user runs take turns, cluster-wide: a run that read Okta before
 * another one wrote a user would otherwise write that user's older values back over the newer
 * ones (and an incremental run, its cursor past the change, would not read it again). BullMQ's
 * global concurrency, kept in Redis, holds every worker process to it; the schedules' ticks on
 * the same queue wait their turn too, which only delays a trigger that would coalesce anyway.
 */
const SYNC_RUNS_AT_ONCE = 1;

/** The services' URLs that are plain http to a host other than loopback (ALLOW_PLAIN_HTTP let them through). */
function plainHttpUrls(config: AppConfig): string[] {
  // The URLs the settings took only because plain http was allowed.
  return [config.okta.orgUrl, config.wfm.scimUrl, ...(config.wfm.api ? [config.wfm.api.url] : [])].filter((u) => checkServiceUrl(u) !== undefined);
}

/**
 * How long closing the workers, queues and Redis may take once SHUTDOWN_TIMEOUT_MS is over: the
 * jobs cut off may still wait on a Redis that is away, and the process exits anyway.
 */
const FORCED_CLOSE_MS = 5000;

/**
 * The long-lived worker: queues, one BullMQ worker per queue, the schedules, and the HTTP server.
 * Any number of these may run against one Redis; the write limit is shared by all of them.
 */
export async function startWorker(config: AppConfig, logger: Logger, opts: { http?: boolean } = {}): Promise<WorkerHandle> {
  assertRegistry();
  const metrics = createMetrics();
  const queues = createQueues(config);
  // Without a listener BullMQ prints each connection error raw to stderr; the workers' own
  // listeners below already report an outage, so these are details for debugging.
  for (const q of queues.all) q.on('error', (err: Error) => logger.debug('queue error', { queue: q.name, error: err.message }));
  metrics.watchQueues(queues);
  const trigger = (req: TriggerRequest) => triggerRun(queues, newRunId, req);
  let app: App;
  try {
    app = buildApp(config, logger, {
      waitForRedis: true,
      metrics,
      writer: createQueueWriter({ writes: queues.writes, attempts: config.worker.writeAttempts }),
      // An off-boarding run in progress may have read Okta before these users left: one more follows it.
      requestOffboard: async (reason, oktaIds) => {
        const stay = leaversStay(config.wfm);
        if (stay !== undefined) {
          logger.warn(stay, { reason, users: oktaIds.length });
          return;
        }
        const r = await trigger({ kind: 'offboard', reason, followRunning: true });
        if (r.queuedAfter) logger.info('off-boarding requested: one more run follows the run in progress', { reason, users: oktaIds.length, runningRunId: r.runId });
        else logger.info('off-boarding requested', { reason, users: oktaIds.length, runId: r.runId, coalesced: r.coalesced });
      },
    });
  } catch (err) {
    await queues.close();
    throw err;
  }
  metrics.watchUnkept(async () => {
    const kept = await loadKept(app.deps);
    const { unchangeable, probes } = judgeUnchangeable(kept.changes, app.deps.now());
    const fixed = unchangeable.filter((p) => !probes.includes(p));
    return [...new Set([...unkeptByVerdict(kept.verdicts, kept.missing, config.mapping, app.deps.now()), ...fixed])];
  });
  const connection = bullConnection(config.redis);
  const contextFor = (job: Job): JobContext => ({
    deps: app.deps,
    attempt: { number: job.attemptsMade + 1, of: job.opts.attempts ?? 1, first: isFirstStart(job) },
    trigger,
  });
  // Created stopped: they take jobs only once the whole start-up has succeeded.
  const workers = (Object.keys(QUEUE_NAMES) as QueueKey[]).map((key) => {
    const worker = new Worker(
      QUEUE_NAMES[key],
      async (job: Job) => {
        const def = jobFor(job.name);
        if (!def || def.queue !== key) throw new UnrecoverableError(`no handler for job ${job.name} on queue ${QUEUE_NAMES[key]}`);
        return def.run(contextFor(job), job.data);
      },
      {
        connection,
        autorun: false,
        prefix: config.redis.prefix,
        concurrency: CONCURRENCY[key](config),
        lockDuration: config.worker.jobLockMs,
        stalledInterval: config.worker.jobLockMs,
        maxStalledCount: 2,
        ...(key === 'writes' ? { limiter: writeLimiter(config.worker.maxWritesPerSecond) } : {}),
        settings: { backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => writeBackoff(attemptsMade, err) },
      },
    );
    worker.on('failed', (job, err) => {
      if (!job) return;
      logger.warn('job failed', { queue: QUEUE_NAMES[key], job: job.name, jobId: job.id, attempt: job.attemptsMade, error: err.message });
      void job.getState().then(async (state) => {
        if (state === 'failed') await jobFor(job.name)?.lost?.(contextFor(job), job.data, err.message);
      }).catch((e: unknown) => logger.error('recording a lost job failed', { jobId: job.id, error: String(e) }));
    });
    // Redis away makes every worker say so several times a second: once, then once a minute.
    const workerError = throttledError(logger, 'worker error');
    worker.on('error', (err) => workerError({ queue: QUEUE_NAMES[key], error: err.message }));
    return worker;
  });
  /** Closes the workers (`force`: without waiting for their running jobs), then the queues and Redis. */
  const closeAll = async (force: boolean): Promise<void> => {
    await Promise.all(workers.map((w) => w.close(force)));
    await queues.close();
    await connection.quit().catch(() => connection.disconnect());
    await app.close();
  };
  let phase: ProcessPhase = 'starting';
  let http: HttpServer | undefined;
  try {
    // The port first: a start that fails for it (taken, not allowed) leaves Redis as it was, the
    // schedules of the workers already running included.
    http = opts.http === false ? undefined : await startHttp({ deps: app.deps, queues, metrics, trigger, workerStates: () => workerStates(workers, phase) });
    await queues.sync.setGlobalConcurrency(SYNC_RUNS_AT_ONCE);
    for (const change of await applySchedules(queues, config)) logger.info('schedule', { ...change, tz: config.worker.timeZone });
  } catch (err) {
    // No job has started; the connections left open would keep a process that cannot serve alive.
    await http?.close();
    await closeAll(true);
    throw err;
  }
  for (const w of workers) w.run().catch((err: Error) => w.emit('error', err));
  phase = 'running';
  if (http) logger.info('http listening', { url: http.url });
  logger.info('worker started', { prefix: config.redis.prefix, maxWritesPerSecond: config.worker.maxWritesPerSecond });
  const offboardOff = offboardingOff(config.wfm);
  if (offboardOff !== undefined) logger.warn(`off-boarding is off, and has no schedule: ${offboardOff}`);
  const clear = plainHttpUrls(config);
  if (clear.length > 0) logger.warn('credentials go over plain http, in the clear, to hosts other than loopback (ALLOW_PLAIN_HTTP=true)', { urls: clear });

  let closing: Promise<void> | undefined;
  return {
    app,
    queues,
    metrics,
    http,
    workers,
    close() {
      closing ??= (async () => {
        phase = 'stopping';
        await http?.close();
        // pause() stops taking jobs and waits for the running ones without closing the worker:
        // once close() waits for them, close(true) only answers that same wait. A worker already
        // closed (or closing) has no jobs to pause: its own close is the wait, and pausing it fails.
        const finished = await within(Promise.all(workers.map((w) => w.closing ?? w.pause())).then(() => true), config.worker.shutdownTimeoutMs);
        if (finished) return closeAll(false);
        logger.warn('running jobs did not finish in time; leaving them to another worker', { timeoutMs: config.worker.shutdownTimeoutMs });
        // Their locks are no longer extended: once they expire, another worker's stalled-job check takes the jobs over.
        await within(closeAll(true), FORCED_CLOSE_MS);
      })();
      return closing;
    },
  };
}
