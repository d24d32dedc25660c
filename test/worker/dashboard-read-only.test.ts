import { randomBytes } from 'node:crypto';
import winston from 'winston';
import { loadConfig } from '../../config/load-config';
import { startHttp, type HttpServer } from '../../worker/http';
import { buildApp, type App } from '../../worker/main';
import { createMetrics } from '../../worker/metrics';
import { createQueues, type Queues } from '../../worker/queues';
import { problemsOf, validEnv } from '../helpers/env';
import { dropPrefix, REDIS_URL } from '../helpers/harness';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const HEADERS = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
const HOUR = 3_600_000;

describe('DASHBOARD_READ_ONLY', () => {
  it('is true unless set to false, and refuses any other value by name', () => {
    expect(loadConfig(validEnv()).http.dashboardReadOnly).toBe(true);
    expect(loadConfig(validEnv({ DASHBOARD_READ_ONLY: 'false' })).http.dashboardReadOnly).toBe(false);
    expect(loadConfig(validEnv({ DASHBOARD_READ_ONLY: 'true' })).http.dashboardReadOnly).toBe(true);
    expect(problemsOf(validEnv({ DASHBOARD_READ_ONLY: 'yes' }))).toEqual(["DASHBOARD_READ_ONLY: must be 'true' or 'false'"]);
  });
});

/**
 * The queue dashboard's own API, over HTTP against the real app and real queues in Redis: read-only
 * (the default) refuses every change an admin could make to the product's queues, and changes
 * nothing; DASHBOARD_READ_ONLY=false lets the same requests through.
 */
describe('the queue dashboard', () => {
  const prefix = `okta-wfm-test-${randomBytes(4).toString('hex')}`;
  let app: App;
  let queues: Queues;
  let readOnly: HttpServer;
  let writable: HttpServer;
  beforeAll(async () => {
    const env = { REDIS_URL, QUEUE_PREFIX: prefix, HTTP_PORT: '0', ADMIN_TOKEN };
    const config = loadConfig(validEnv(env));
    const logger = winston.createLogger({ transports: [new winston.transports.Console({ silent: true })] });
    const metrics = createMetrics();
    app = buildApp(config, logger, { metrics });
    queues = createQueues(config);
    const trigger = () => Promise.resolve({ runId: 'run-1', coalesced: false });
    readOnly = await startHttp({ deps: app.deps, queues, metrics, trigger });
    const writableConfig = loadConfig(validEnv({ ...env, DASHBOARD_READ_ONLY: 'false' }));
    writable = await startHttp({ deps: { ...app.deps, config: writableConfig }, queues, metrics, trigger });
  });
  afterAll(async () => {
    await readOnly.close();
    await writable.close();
    await queues.close();
    await app.close();
    await dropPrefix(prefix);
  });
  afterEach(async () => {
    for (const q of queues.all) {
      await q.resume();
      await q.obliterate({ force: true });
    }
  });

  const send = (server: HttpServer, method: string, path: string, body?: unknown) =>
    fetch(`${server.url}/admin/queues/api${path}`, { method, headers: HEADERS, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const counts = async (q: Queues['all'][number]) => ({ ...(await q.getJobCounts('waiting', 'delayed')), queuePaused: await q.isPaused() });

  it('refuses every change to a queue or its jobs with 405, and the queues stay as they were', async () => {
    const writes = queues.writes;
    const held = await writes.add('held', {}, { delay: HOUR });
    await writes.add('queued', {});
    const before = await counts(writes);
    expect(before).toEqual({ waiting: 1, delayed: 1, queuePaused: false });
    const name = encodeURIComponent(writes.name);
    const changes: [string, string, unknown?][] = [
      ['PUT', `/queues/${name}/promote`],
      ['PUT', `/queues/${name}/${held.id}/promote`],
      ['PUT', `/queues/${name}/clean/delayed`],
      ['PUT', `/queues/${name}/${held.id}/clean`],
      ['PUT', `/queues/${name}/retry/failed`],
      ['PUT', `/queues/${name}/empty`],
      ['PUT', `/queues/${name}/pause`],
      ['PUT', `/queues/${name}/obliterate`, { force: true }],
      ['POST', `/queues/${name}/add`, { name: 'injected', data: {} }],
      ['PATCH', `/queues/${name}/${held.id}/update-data`, { jobData: { runId: 'other' } }],
    ];
    for (const [method, path, body] of changes) {
      const res = await send(readOnly, method, path, body);
      expect([method, path, res.status, await res.json()]).toEqual([method, path, 405, { error: { key: 'ERRORS.QUEUE_READ_ONLY' } }]);
    }
    // "Pause all" skips read-only queues instead of refusing.
    expect((await send(readOnly, 'PUT', '/queues/pause')).status).toBe(200);
    expect(await counts(writes)).toEqual(before);
    expect((await writes.getJob(String(held.id)))?.data).toEqual({});
    for (const q of queues.all) expect([q.name, await q.isPaused()]).toEqual([q.name, false]);
  });

  it('still shows every queue and its jobs, marked read-only', async () => {
    await queues.sync.add('held', {}, { delay: HOUR });
    const res = await send(readOnly, 'GET', `/queues?activeQueue=${encodeURIComponent(queues.sync.name)}&status=delayed&page=1`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: { name: string; readOnlyMode: boolean; jobs: unknown[] }[] };
    expect(body.queues.map((q) => [q.name, q.readOnlyMode]).sort()).toEqual(queues.all.map((q) => [q.name, true]).sort());
    expect(body.queues.find((q) => q.name === queues.sync.name)?.jobs).toHaveLength(1);
  });

  it('takes the same changes with DASHBOARD_READ_ONLY=false', async () => {
    const writes = queues.writes;
    await writes.add('held', {}, { delay: HOUR });
    const name = encodeURIComponent(writes.name);
    expect((await send(writable, 'PUT', `/queues/${name}/promote`)).status).toBe(200);
    expect(await writes.getDelayedCount()).toBe(0);
    expect((await send(writable, 'PUT', `/queues/${name}/pause`)).status).toBe(200);
    expect(await writes.isPaused()).toBe(true);
    expect((await send(writable, 'PUT', `/queues/${name}/empty`)).status).toBe(200);
    expect(await writes.count()).toBe(0);
  });
});
