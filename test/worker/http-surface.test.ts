import { randomBytes } from 'node:crypto';
import { Worker } from 'bullmq';
import winston from 'winston';
import { loadConfig } from '../../config/load-config';
import type { TriggerRequest } from '../../jobs';
import { QUEUE_NAMES } from '../../jobs/queue-names';
import { startHttp, type HttpServer } from '../../worker/http';
import { buildApp, type App } from '../../worker/main';
import { createMetrics } from '../../worker/metrics';
import { createQueues, type Queues } from '../../worker/queues';
import { validEnv } from '../helpers/env';
import { dropPrefix, REDIS_URL } from '../helpers/harness';
import { AWKWARD_LOGINS } from '../helpers/awkward-logins';

const ADMIN_USER = 'ops';
const ADMIN_PASSWORD = 'pass:word:with:colons-1';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
const AUTH = { Authorization: basic(ADMIN_USER, ADMIN_PASSWORD) };
const JSON_TYPE = { 'Content-Type': 'application/json' };

/**
 * The worker's HTTP surface as an operator or a script meets it: what the trigger accepts and
 * refuses, methods and paths it does not serve, and admin auth. The trigger is recorded, not run.
 */
describe('the HTTP surface', () => {
  const prefix = `okta-wfm-test-${randomBytes(4).toString('hex')}`;
  const logged: string[] = [];
  const calls: TriggerRequest[] = [];
  let app: App;
  let queues: Queues;
  let server: HttpServer;
  beforeAll(async () => {
    const config = loadConfig(validEnv({ REDIS_URL, QUEUE_PREFIX: prefix, HTTP_PORT: '0', ADMIN_USER, ADMIN_PASSWORD, ADMIN_TOKEN, LOG_LEVEL: 'debug' }));
    const logger = winston.createLogger({ level: 'debug', transports: [new winston.transports.Console({ silent: true })] });
    logger.on('data', (info: unknown) => logged.push(JSON.stringify(info)));
    const metrics = createMetrics();
    app = buildApp(config, logger, { metrics });
    queues = createQueues(config);
    metrics.watchQueues(queues);
    server = await startHttp({
      deps: app.deps,
      queues,
      metrics,
      trigger: async (req) => {
        calls.push(req);
        return { runId: `run-${calls.length}`, coalesced: false };
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await queues.close();
    await app.close();
    await dropPrefix(prefix);
  });
  beforeEach(() => {
    calls.length = 0;
  });

  const request = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, { ...init, headers: { ...AUTH, ...(init.headers as Record<string, string>) } });
  const resync = (body: string, headers: Record<string, string> = JSON_TYPE) => request('/api/resync', { method: 'POST', headers, body });

  it.each(AWKWARD_LOGINS)('queues a resync of one user by %s, the value as given (trimmed)', async (_name, user, expected) => {
    const res = await resync(JSON.stringify({ user, dryRun: true }));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ runId: 'run-1', coalesced: false, noWorker: true, message: 'Queued, but no worker is running: it will run when one starts (okta-wfm-sync worker).' });
    expect(calls).toEqual([{ kind: 'resync-user', user: expected, dryRun: true, reason: 'api' }]);
  });

  it('says nothing of workers once a worker listens on the sync queue', async () => {
    const worker = new Worker(QUEUE_NAMES.sync, async () => undefined, { connection: { url: REDIS_URL }, prefix, autorun: false });
    try {
      await worker.waitUntilReady();
      const res = await resync('{}');
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ runId: 'run-1', coalesced: false });
    } finally {
      await worker.close();
    }
  });

  it('queues everyone for an empty JSON object or an empty JSON body', async () => {
    expect((await resync('{}')).status).toBe(202);
    expect((await resync('')).status).toBe(202);
    expect(calls.map((c) => c.kind)).toEqual(['full-sync', 'full-sync']);
  });

  it.each([
    ['not JSON', '{"user": ', JSON_TYPE, 400, 'invalid'],
    ['JSON null', 'null', JSON_TYPE, 400, 'invalid'],
    ['a JSON string', '"ann@example.com"', JSON_TYPE, 400, 'invalid'],
    ['a JSON array', '[]', JSON_TYPE, 400, 'invalid'],
    ['an extra field', '{"user":"ann@example.com","force":true}', JSON_TYPE, 400, 'invalid'],
    ['an empty user', '{"user":"  "}', JSON_TYPE, 400, 'invalid'],
    ['a user that is not a string', '{"user":42}', JSON_TYPE, 400, 'invalid'],
    ['a body over 16 kB', JSON.stringify({ user: 'x'.repeat(20_000) }), JSON_TYPE, 413, 'too-large'],
    ['text/plain', '{"user":"ann@example.com"}', { 'Content-Type': 'text/plain' }, 415, 'unsupported-media-type'],
    ['a form', 'user=ann%40example.com', { 'Content-Type': 'application/x-www-form-urlencoded' }, 415, 'unsupported-media-type'],
    ['no content type', '{"user":"ann@example.com"}', {}, 415, 'unsupported-media-type'],
    ['a body marked gzip that is not', 'not gzip at all', { ...JSON_TYPE, 'Content-Encoding': 'gzip' }, 400, 'invalid'],
  ])('refuses %s with a JSON client error and queues nothing', async (_name, body, headers, status, error) => {
    const res = await resync(body, headers);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ error, message: expect.any(String) });
    expect(calls).toEqual([]);
  });

  it('answers 400 for a path with a broken %-escape', async () => {
    const res = await request('/api/runs/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid', message: 'The path holds a broken %-escape.' });
  });

  it.each(['abc', '0', '-1', '1.5', '101', '99999999999999999999', '', '1e1', '0x10', ' 5'])('refuses GET /api/runs?limit=%j with a 400 naming the parameter and its range', async (limit) => {
    const res = await request(`/api/runs?limit=${encodeURIComponent(limit)}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid', message: 'Query parameter limit takes a whole number from 1 to 100 (default 20).' });
  });

  it('refuses a limit given twice, and takes one from 1 to 100 or none', async () => {
    expect((await request('/api/runs?limit=5&limit=6')).status).toBe(400);
    for (const query of ['', '?limit=1', '?limit=100', '?limit=007']) {
      const res = await request(`/api/runs${query}`);
      expect([query, res.status]).toEqual([query, 200]);
      expect(await res.json()).toEqual({ runs: expect.any(Array) });
    }
  });

  it('answers 405 with Allow for a method a route does not serve, and lists them on OPTIONS', async () => {
    for (const [path, method, allow] of [
      ['/api/resync', 'GET', 'POST, OPTIONS'],
      ['/api/resync', 'HEAD', 'POST, OPTIONS'],
      ['/api/resync', 'PUT', 'POST, OPTIONS'],
      ['/api/runs', 'POST', 'GET, HEAD, OPTIONS'],
      ['/api/runs/some-run', 'DELETE', 'GET, HEAD, OPTIONS'],
      ['/healthz', 'POST', 'GET, HEAD, OPTIONS'],
      ['/readyz', 'PUT', 'GET, HEAD, OPTIONS'],
      ['/metrics', 'DELETE', 'GET, HEAD, OPTIONS'],
    ] as const) {
      const res = await request(path, { method });
      expect([path, method, res.status, res.headers.get('allow')]).toEqual([path, method, 405, allow]);
      if (method !== 'HEAD') expect(await res.json()).toMatchObject({ error: 'method-not-allowed' });
      const options = await request(path, { method: 'OPTIONS' });
      expect([path, options.status, options.headers.get('allow')]).toEqual([path, 204, allow]);
    }
    expect((await request('/healthz', { method: 'HEAD' })).status).toBe(200);
    expect(calls).toEqual([]);
  });

  it('answers 404 in JSON for a path nothing serves', async () => {
    for (const path of ['/nope', '/api/nope', '/api/runs/no-such-run']) {
      const res = await request(path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toMatchObject({ error: 'not-found' });
    }
  });

  it('takes basic auth with a password holding ":", the bearer token, and refuses anything else before reading the body', async () => {
    const post = (authorization?: string) =>
      fetch(`${server.url}/api/resync`, { method: 'POST', headers: { ...JSON_TYPE, ...(authorization !== undefined ? { Authorization: authorization } : {}) }, body: '{"user":"ann@example.com"}' });
    expect((await post(basic(ADMIN_USER, ADMIN_PASSWORD))).status).toBe(202);
    expect((await post(`Bearer ${ADMIN_TOKEN}`)).status).toBe(202);
    for (const authorization of [
      undefined,
      '',
      'Basic',
      'Basic !!!not-base64!!!',
      `Basic ${Buffer.from(ADMIN_USER).toString('base64')}`,
      basic(ADMIN_USER, 'pass'),
      basic(ADMIN_USER, `${ADMIN_PASSWORD}x`),
      basic(ADMIN_USER.toUpperCase(), ADMIN_PASSWORD),
      `Bearer ${ADMIN_PASSWORD}`,
      `Token ${ADMIN_TOKEN}`,
    ]) {
      const res = await post(authorization);
      expect([authorization, res.status]).toEqual([authorization, 401]);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      const text = await res.text();
      expect(text).not.toContain(ADMIN_PASSWORD);
      expect(text).not.toContain(ADMIN_TOKEN);
    }
    expect(calls).toHaveLength(2);
    for (const path of ['/admin/queues', '/api/runs']) expect((await fetch(`${server.url}${path}`)).status).toBe(401);
    for (const path of ['/healthz', '/readyz', '/metrics']) expect((await fetch(`${server.url}${path}`)).status).toBe(200);
    const all = logged.join('\n');
    // Each refusal of an Authorization header sent is logged (at most 20 a minute), with the user name tried.
    const refusals = logged.filter((l) => l.includes('admin sign-in refused')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(refusals).toHaveLength(8);
    expect(refusals).toContainEqual(expect.objectContaining({ level: 'warn', path: '/api/resync', scheme: 'basic', user: ADMIN_USER.toUpperCase(), client: expect.any(String) }));
    expect(all).not.toContain(ADMIN_PASSWORD);
    expect(all).not.toContain(ADMIN_TOKEN);
  });

  it('exposes metrics with HELP and TYPE, Prometheus names and no per-user labels', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const types = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
    const helps = new Set([...text.matchAll(/^# HELP (\S+) /gm)].map((m) => m[1]));
    expect(types.get('okta_wfm_queue_jobs')).toBe('gauge');
    for (const [name, type] of types) {
      expect(helps.has(name)).toBe(true);
      expect(name).toMatch(/^okta_wfm_[a-z0-9_]+$/);
      if (type === 'counter') expect(name).toMatch(/_total$/);
      // prom-client's default Node.js metrics keep their own names (nodejs_active_resources_total is a gauge).
      if (type !== 'counter' && !/^okta_wfm_(nodejs|process)_/.test(name)) expect(name).not.toMatch(/_total$/);
      expect(name).not.toMatch(/_(ms|milliseconds|minutes|kb|mb)(_|$)/);
    }
    const labels = new Set([...text.matchAll(/\{([^}]*)\}/g)].flatMap((m) => [...(m[1] ?? '').matchAll(/([a-zA-Z_]+)="/g)].map((l) => l[1])));
    for (const label of labels) expect(['kind', 'result', 'type', 'status', 'api', 'queue', 'state', 'le', 'version', 'major', 'minor', 'patch', 'space', 'reason']).toContain(label);
  });
});
