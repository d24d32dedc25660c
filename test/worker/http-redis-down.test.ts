import { loadConfig } from '../../config/load-config';
import { startWorker, type WorkerHandle } from '../../worker/runtime';
import { redisAnswers, startRedisServer, type RedisServer } from '../faults/helpers/redis-server';
import { validEnv } from '../helpers/env';
import { waitFor } from '../helpers/wait';
import { capturingLogger, type LogEntry } from '../helpers/logger';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

/**
 * The worker's HTTP server while its Redis is away (a redis-server of the test's own, stopped and
 * started again): liveness stays up, readiness says no and then yes again, metrics and the API
 * answer instead of waiting for Redis, and nothing is printed past the logger.
 */
describe('HTTP while Redis is down', () => {
  let redis: RedisServer;
  let worker: WorkerHandle;
  let url: string;
  const printed: string[] = [];
  const logs: LogEntry[] = [];
  let spy: jest.SpyInstance;
  // A request that waits for Redis would hang until it returns: fail it instead, well before the test's timeout.
  const get = (path: string, init: RequestInit = {}) => fetch(`${url}${path}`, { ...init, signal: AbortSignal.timeout(15000) });

  beforeAll(async () => {
    spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
    redis = await startRedisServer();
    const config = loadConfig(
      validEnv({ REDIS_URL: redis.url, QUEUE_PREFIX: 'okta-wfm-test-down', HTTP_PORT: '0', ADMIN_TOKEN, SYNC_CRON: 'off', INCREMENTAL_CRON: 'off', OFFBOARD_CRON: 'off' }),
    );
    worker = await startWorker(config, capturingLogger(logs));
    url = worker.http?.url ?? '';
  });
  afterAll(async () => {
    // A failure midway leaves Redis stopped: the worker closes only once it answers again.
    if (!(await redisAnswers(redis.url))) await redis.start();
    await worker.close();
    await redis.close();
    spy.mockRestore();
  });

  it('answers readiness 503 while down and 200 once back; liveness, metrics and the API answer throughout', async () => {
    expect((await get('/readyz')).status).toBe(200);
    await redis.shutdown();

    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not ready', redis: 'unreachable' });

    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('okta_wfm_runs_total');
    expect(text).not.toMatch(/^okta_wfm_queue_jobs\{/m);

    const authed = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    const trigger = await get('/api/resync', { method: 'POST', headers: { ...authed, 'Content-Type': 'application/json' }, body: '{"user":"ann@example.com"}' });
    expect(trigger.status).toBe(503);
    expect(trigger.headers.get('retry-after')).toBe('5');
    expect(await trigger.json()).toMatchObject({ error: 'unavailable' });
    expect((await get('/api/runs', { headers: authed })).status).toBe(503);
    // The dashboard's own API answers too, instead of waiting for Redis.
    expect((await get('/admin/queues/api/queues', { headers: authed })).status).toBe(503);
    // Every queue's worker says Redis is away once, not several times a second.
    await new Promise((r) => setTimeout(r, 3000));
    const errors = logs.filter((e) => e.message === 'worker error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThanOrEqual(3);

    await redis.start();
    await waitFor(async () => ((await get('/readyz')).status === 200 ? true : undefined), 30000, 'readiness after Redis returned');
    expect((await get('/api/runs', { headers: authed })).status).toBe(200);
    await waitFor(async () => (/^okta_wfm_queue_jobs\{/m.test(await (await get('/metrics')).text()) ? true : undefined), 30000, 'queue metrics after Redis returned');
    expect(printed).toEqual([]);
  }, 90000);
});
