import { Redis } from 'ioredis';
import type { RunReport } from '../../../sync/report';
import type { Harness } from '../../helpers/harness';
import { waitFor } from '../../helpers/wait';
import { spawnWorker, type WorkerProcess } from '../../helpers/worker-process';
import { redisAnswers } from './redis-server';

/** Worker settings for the fault tests: no schedules, quick takeover of a dead worker's jobs. */
export const workerEnv = (h: Harness, extra: Record<string, string> = {}): Record<string, string | undefined> => ({
  ...h.env,
  LOG_LEVEL: 'info',
  SYNC_CRON: 'off',
  INCREMENTAL_CRON: 'off',
  OFFBOARD_CRON: 'off',
  SHUTDOWN_TIMEOUT_MS: '2000',
  ...extra,
});

/** Spawns a worker process (without HTTP unless `http`) and waits until it takes jobs. */
export async function startWorkerProcess(env: Record<string, string | undefined>, opts: { http?: boolean } = {}): Promise<WorkerProcess> {
  const p = spawnWorker(env, opts.http ? ['worker'] : ['worker', '--no-http']);
  await waitFor(() => (p.stderr().includes('worker started') ? true : p.child.exitCode !== null ? false : undefined), 30000, 'the worker to start');
  if (p.child.exitCode !== null) throw new Error(`the worker exited at once:\n${p.stderr().slice(-2000)}`);
  return p;
}

export async function killHard(p: WorkerProcess): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await p.exited;
}

/** `trigger resync` through the CLI; answers the run id. */
export async function triggerResync(h: Harness, env: Record<string, string> = {}): Promise<string> {
  const res = await h.cli(['trigger', 'resync', '--json'], env);
  const parsed = JSON.parse(res.out.at(-1) ?? '{}') as { runId?: string };
  if (res.code !== 0 || parsed.runId === undefined) throw new Error(`trigger failed (${res.code}): ${res.err.join('\n')}`);
  return parsed.runId;
}

/** The report of a finished run, read from the run history in Redis. */
export async function runReport(redisUrl: string, prefix: string, runId: string): Promise<RunReport | undefined> {
  if (!(await redisAnswers(redisUrl))) return undefined; // Redis restarting: ask again later
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const raw = await redis.lrange(`${prefix}:runs`, 0, -1);
    return raw.map((r) => JSON.parse(r) as RunReport).find((r) => r.runId === runId);
  } catch {
    return undefined; // Redis restarting: ask again later
  } finally {
    redis.disconnect();
  }
}

export const waitForReport = (redisUrl: string, prefix: string, runId: string, timeoutMs: number): Promise<RunReport> =>
  waitFor(() => runReport(redisUrl, prefix, runId), timeoutMs, `the report of ${runId}`);
