import { randomBytes } from 'node:crypto';
import { Worker } from 'bullmq';
import winston from 'winston';
import type { AppConfig } from '../../config/app-config';
import { loadConfig } from '../../config/load-config';
import { startHttp, type HttpServer, type WorkerStates } from '../../worker/http';
import { buildApp, type App } from '../../worker/main';
import { createMetrics } from '../../worker/metrics';
import { bullConnection, createQueues, type Queues } from '../../worker/queues';
import { startWorker, workerStates, type ProcessPhase, type WorkerHandle } from '../../worker/runtime';
import { validEnv } from '../helpers/env';
import { dropPrefix, REDIS_URL } from '../helpers/harness';

const silent = () => winston.createLogger({ transports: [new winston.transports.Console({ silent: true })] });
const envFor = (prefix: string) => validEnv({ REDIS_URL, QUEUE_PREFIX: prefix, HTTP_PORT: '0', SYNC_CRON: 'off', INCREMENTAL_CRON: 'off', OFFBOARD_CRON: 'off' });

async function health(url: string): Promise<{ status: number; body: { status: string; workers: WorkerStates } }> {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: (await res.json()) as { status: string; workers: WorkerStates } };
}

/** /healthz of a running worker process, with real BullMQ workers on real Redis. */
describe('/healthz of the worker', () => {
  const prefix = `okta-wfm-test-${randomBytes(4).toString('hex')}`;
  const warnings: string[] = [];
  let worker: WorkerHandle;
  let url: string;
  beforeAll(async () => {
    const logger = silent();
    logger.on('data', (info: { level: string; message: string }) => {
      if (info.level === 'warn') warnings.push(info.message);
    });
    worker = await startWorker(loadConfig(envFor(prefix)), logger);
    url = worker.http?.url ?? '';
  });
  afterAll(async () => {
    await worker.close();
    await dropPrefix(prefix);
  });
  const named = (state: string) => Object.fromEntries(worker.queues.all.map((q) => [q.name, state]));

  it('answers 200 with each worker running', async () => {
    expect(await health(url)).toEqual({ status: 200, body: { status: 'ok', workers: named('running') } });
  });

  it('answers 503 while a worker is paused, and 200 again once it resumes', async () => {
    const [first] = worker.workers;
    if (!first) throw new Error('no worker');
    await first.pause();
    expect(await health(url)).toEqual({ status: 503, body: { status: 'unhealthy', workers: { ...named('running'), [first.name]: 'paused' } } });
    await first.resume();
    expect(await health(url)).toEqual({ status: 200, body: { status: 'ok', workers: named('running') } });
  });

  it('answers 503 once a worker has closed while the process goes on; the process still shuts down in order', async () => {
    const last = worker.workers.at(-1);
    if (!last) throw new Error('no worker');
    await last.close();
    expect(await health(url)).toEqual({ status: 503, body: { status: 'unhealthy', workers: { ...named('running'), [last.name]: 'stopped' } } });
    // Shutdown does not pause the closed worker again: that reopens one of its Redis connections,
    // which then keeps the process up, or fails and sends shutdown down the forced path.
    const pause = jest.spyOn(last, 'pause');
    await worker.close();
    expect(pause).not.toHaveBeenCalled();
    expect(warnings).toEqual([]);
  });
});

/**
 * The process's phase around its workers: created stopped until start-up is done, and paused then
 * closed while it shuts down; neither is a failure. A process without workers is healthy.
 */
describe('/healthz around start-up and shutdown', () => {
  const prefix = `okta-wfm-test-${randomBytes(4).toString('hex')}`;
  let config: AppConfig;
  let app: App;
  let queues: Queues;
  let connection: ReturnType<typeof bullConnection>;
  let idle: Worker;
  let phase: ProcessPhase = 'starting';
  let server: HttpServer;
  let bare: HttpServer;
  beforeAll(async () => {
    config = loadConfig(envFor(prefix));
    app = buildApp(config, silent());
    queues = createQueues(config);
    // As the worker process creates its workers: stopped, until start-up is done.
    connection = bullConnection(config.redis);
    idle = new Worker(queues.sync.name, () => Promise.resolve(), { connection, prefix: config.redis.prefix, autorun: false });
    const h = { deps: app.deps, queues, metrics: createMetrics(), trigger: () => Promise.resolve({ runId: 'run-1', coalesced: false }) };
    server = await startHttp({ ...h, workerStates: () => workerStates([idle], phase) });
    bare = await startHttp(h);
  });
  afterAll(async () => {
    await server.close();
    await bare.close();
    await idle.close();
    await connection.quit();
    await queues.close();
    await app.close();
    await dropPrefix(prefix);
  });

  it('answers 200 "starting" for a worker not yet run during start-up, and 503 once start-up is over without it', async () => {
    phase = 'starting';
    expect(await health(server.url)).toEqual({ status: 200, body: { status: 'ok', workers: { [queues.sync.name]: 'starting' } } });
    phase = 'running';
    expect(await health(server.url)).toEqual({ status: 503, body: { status: 'unhealthy', workers: { [queues.sync.name]: 'stopped' } } });
  });

  it('answers 200 "stopping" for a closed worker while the process shuts down', async () => {
    await idle.close();
    phase = 'stopping';
    expect(await health(server.url)).toEqual({ status: 200, body: { status: 'ok', workers: { [queues.sync.name]: 'stopping' } } });
  });

  it('answers 200 in a process without workers', async () => {
    expect(await health(bare.url)).toEqual({ status: 200, body: { status: 'ok', workers: {} } });
  });
});
