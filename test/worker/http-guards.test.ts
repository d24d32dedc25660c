import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import winston from 'winston';
import { loadConfig } from '../../config/load-config';
import type { TriggerRequest } from '../../jobs';
import { startHttp, type HttpServer } from '../../worker/http';
import { buildApp, type App } from '../../worker/main';
import { createMetrics } from '../../worker/metrics';
import { createQueues, type Queues } from '../../worker/queues';
import { validEnv } from '../helpers/env';
import { dropPrefix, REDIS_URL } from '../helpers/harness';

const ADMIN_USER = 'ops';
const ADMIN_PASSWORD = 'a-long-enough-password';
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
const AUTH = { Authorization: basic(ADMIN_USER, ADMIN_PASSWORD) };
const JSON_TYPE = { 'Content-Type': 'application/json' };
const WINDOW_MS = 60_000;

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** One request to a server, with the Host and Origin headers a test chooses (fetch would set its own Host). */
function send(url: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: init.method ?? 'GET', headers: init.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** An HTTP/1.0 request with no Host header at all (Node's client always sends one, and answers HTTP/1.1 without it with 400). */
function sendWithoutHost(url: string, path: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`GET ${path} HTTP/1.0\r\n\r\n`));
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.\d (\d{3})/.exec(text)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

const errorOf = (answer: Answer): unknown => (JSON.parse(answer.body) as { error?: unknown }).error;

/**
 * The guards in front of /api and the dashboard, over real HTTP: without admin credentials only a
 * loopback Host is answered (DNS rebinding); with or without them a browser's cross-site write is
 * refused; and failed sign-ins from one address are throttled. The trigger is recorded, not run.
 */
describe('the HTTP guards', () => {
  const prefix = `okta-wfm-test-${randomBytes(4).toString('hex')}`;
  const calls: TriggerRequest[] = [];
  let clock = Date.UTC(2030, 0, 1);
  let app: App;
  let queues: Queues;
  let open: HttpServer;
  let guarded: HttpServer;
  let proxied: HttpServer;
  beforeAll(async () => {
    // The dashboard's writes are what the cross-site guard is tested on: the read-only default would refuse them first.
    const env = { REDIS_URL, QUEUE_PREFIX: prefix, HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', DASHBOARD_READ_ONLY: 'false' };
    const openConfig = loadConfig(validEnv(env));
    const guardedConfig = loadConfig(validEnv({ ...env, ADMIN_USER, ADMIN_PASSWORD }));
    const logger = winston.createLogger({ transports: [new winston.transports.Console({ silent: true })] });
    const metrics = createMetrics();
    app = buildApp(guardedConfig, logger, { metrics });
    queues = createQueues(guardedConfig);
    const trigger = async (req: TriggerRequest) => {
      calls.push(req);
      return { runId: `run-${calls.length}`, coalesced: false };
    };
    open = await startHttp({ deps: { ...app.deps, config: openConfig }, queues, metrics, trigger });
    guarded = await startHttp({ deps: app.deps, queues, metrics, trigger, failureLimits: { now: () => clock, windowMs: WINDOW_MS } });
    // The test's requests come from 127.0.0.1: to this server, a reverse proxy on loopback.
    const proxiedConfig = loadConfig(validEnv({ ...env, ADMIN_USER, ADMIN_PASSWORD, HTTP_TRUSTED_PROXIES: 'loopback' }));
    proxied = await startHttp({ deps: { ...app.deps, config: proxiedConfig }, queues, metrics, trigger, failureLimits: { now: () => clock, windowMs: WINDOW_MS } });
  });
  afterAll(async () => {
    await open.close();
    await guarded.close();
    await proxied.close();
    await queues.close();
    await app.close();
    await dropPrefix(prefix);
  });
  beforeEach(() => {
    calls.length = 0;
    // Each test starts in a fresh failure window.
    clock += WINDOW_MS;
  });

  const portOf = (server: HttpServer): string => new URL(server.url).port;
  const resync = (server: HttpServer, headers: Record<string, string> = {}) =>
    send(server.url, '/api/resync', { method: 'POST', headers: { ...JSON_TYPE, ...headers }, body: '{"user":"ann@example.com"}' });

  describe('without admin credentials', () => {
    it('refuses a Host that is not a loopback name on /api and the dashboard, with the JSON error', async () => {
      const host = `evil.example:${portOf(open)}`;
      for (const path of ['/api/runs', '/admin/queues', '/admin/queues/api/queues']) {
        const answer = await send(open.url, path, { headers: { Host: host } });
        expect([path, answer.status]).toEqual([path, 403]);
        expect(answer.headers['content-type']).toMatch(/^application\/json/);
        expect(JSON.parse(answer.body)).toEqual({ error: 'forbidden-host', message: expect.stringMatching(/localhost, 127\.0\.0\.1 or \[::1\].*ADMIN_TOKEN or ADMIN_USER and ADMIN_PASSWORD/) });
      }
      for (const host of ['localhost.evil.example', '127.0.0.1.nip.io', `[::2]:${portOf(open)}`, '::1']) {
        expect([host, (await send(open.url, '/api/runs', { headers: { Host: host } })).status]).toEqual([host, 403]);
      }
      expect((await resync(open, { Host: host })).status).toBe(403);
      expect(await sendWithoutHost(open.url, '/api/runs')).toBe(403);
      expect(calls).toEqual([]);
    });

    it('answers a loopback Host, with or without port, in any case', async () => {
      const port = portOf(open);
      expect((await send(open.url, '/api/runs', { headers: { Host: `evil.example:${port}` } })).status).toBe(403);
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'localhost', '[::1]', `LOCALHOST:${port}`, `127.1.2.3:${port}`]) {
        expect([host, (await send(open.url, '/api/runs', { headers: { Host: host } })).status]).toEqual([host, 200]);
        expect([host, (await send(open.url, '/admin/queues', { headers: { Host: host } })).status]).toEqual([host, 200]);
      }
      expect((await resync(open, { Host: `[::1]:${port}` })).status).toBe(202);
      expect(calls).toHaveLength(1);
    });

    it('leaves health, readiness and metrics open whatever the Host, while /api refuses it', async () => {
      const headers = { Host: `evil.example:${portOf(open)}` };
      expect((await send(open.url, '/api/runs', { headers })).status).toBe(403);
      for (const path of ['/healthz', '/readyz', '/metrics']) expect([path, (await send(open.url, path, { headers })).status]).toEqual([path, 200]);
    });
  });

  it('applies the Host rule only without credentials: with them a foreign Host is answered', async () => {
    const host = `evil.example:${portOf(open)}`;
    expect((await send(open.url, '/api/runs', { headers: { Host: host } })).status).toBe(403);
    const proxied = { Host: 'sync.internal.example' };
    expect((await send(guarded.url, '/api/runs', { headers: { ...proxied, ...AUTH } })).status).toBe(200);
    expect((await send(guarded.url, '/admin/queues', { headers: { ...proxied, ...AUTH } })).status).toBe(200);
    expect((await send(guarded.url, '/api/runs', { headers: proxied })).status).toBe(401);
  });

  describe('cross-site writes', () => {
    it.each([
      ['open', () => open, {}],
      ['credentialed', () => guarded, AUTH],
    ] as const)('on the %s server, refuse a POST with a foreign Origin and take it from its own origin or from no browser', async (_name, server, auth) => {
      const own = `http://127.0.0.1:${portOf(server())}`;
      const refused = await resync(server(), { ...auth, Origin: 'http://evil.example' });
      expect(refused.status).toBe(403);
      expect(refused.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(refused.body)).toEqual({ error: 'cross-site', message: expect.any(String) });
      expect(calls).toEqual([]);
      expect((await resync(server(), { ...auth, Origin: own })).status).toBe(202);
      expect((await resync(server(), auth)).status).toBe(202);
      expect(calls).toHaveLength(2);
    });

    it.each([
      ['Origin: null', { Origin: 'null' }],
      ['an Origin on another port', { Origin: 'http://127.0.0.1:1' }],
      ['an https Origin of the same host', { Origin: 'https://127.0.0.1' }],
      ['an Origin that is not a URL', { Origin: 'not a url' }],
      ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
      ['Sec-Fetch-Site: same-site', { 'Sec-Fetch-Site': 'same-site' }],
      ['Sec-Fetch-Site: cross-site with the own Origin', { 'Sec-Fetch-Site': 'cross-site', Origin: 'OWN' }],
    ])('refuses %s and queues nothing', async (_name, headers) => {
      const own = `http://127.0.0.1:${portOf(open)}`;
      const withOwn = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v === 'OWN' ? own : v]));
      const answer = await resync(open, withOwn);
      expect([answer.status, errorOf(answer)]).toEqual([403, 'cross-site']);
      expect(calls).toEqual([]);
    });

    it('takes Sec-Fetch-Site same-origin or none, and an Origin that matches the Host in another case or with the default port', async () => {
      expect((await resync(open, { Origin: 'http://evil.example' })).status).toBe(403);
      expect((await resync(open, { 'Sec-Fetch-Site': 'same-origin' })).status).toBe(202);
      expect((await resync(open, { 'Sec-Fetch-Site': 'none' })).status).toBe(202);
      // A modern browser's Sec-Fetch-Site decides over an Origin a proxy's Host rewrite no longer matches.
      expect((await resync(open, { 'Sec-Fetch-Site': 'same-origin', Origin: 'https://sync.example.com' })).status).toBe(202);
      expect((await resync(open, { Host: 'localhost', Origin: 'http://LocalHost' })).status).toBe(202);
      expect((await resync(open, { Host: 'localhost', Origin: 'http://localhost:80' })).status).toBe(202);
      expect((await resync(open, { Host: 'localhost:80', Origin: 'http://localhost' })).status).toBe(202);
      expect((await resync(open, { Host: '[::1]:8080', Origin: 'http://[::1]:8080' })).status).toBe(202);
      expect((await resync(guarded, { ...AUTH, Host: 'sync.example.com', Origin: 'https://sync.example.com' })).status).toBe(202);
      expect(calls).toHaveLength(8);
    });

    it('refuses a dashboard write with a foreign Origin, takes it without one, and reads with any Origin', async () => {
      await queues.sync.add('held', {}, { delay: 3_600_000 });
      const path = `/admin/queues/api/queues/${encodeURIComponent(queues.sync.name)}/promote`;
      const refused = await send(open.url, path, { method: 'PUT', headers: { Origin: 'http://evil.example' } });
      expect([refused.status, errorOf(refused)]).toEqual([403, 'cross-site']);
      expect(await queues.sync.getDelayedCount()).toBe(1);
      const retry = `/admin/queues/api/queues/${encodeURIComponent(queues.sync.name)}/retry/failed`;
      expect((await send(guarded.url, retry, { method: 'PUT', headers: { ...AUTH, Origin: 'http://evil.example' } })).status).toBe(403);
      expect((await send(guarded.url, retry, { method: 'PUT', headers: AUTH })).status).toBe(200);

      expect((await send(open.url, path, { method: 'PUT' })).status).toBe(200);
      expect(await queues.sync.getDelayedCount()).toBe(0);
      for (const read of ['/admin/queues', '/admin/queues/api/queues', '/api/runs']) {
        expect([read, (await send(open.url, read, { headers: { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' } })).status]).toEqual([read, 200]);
      }
      await queues.sync.obliterate({ force: true });
    });
  });

  it('counts each refusal by reason in okta_wfm_http_refused_total, and nothing for requests let through', async () => {
    const count = async (reason: string): Promise<number> => {
      const text = (await send(guarded.url, '/metrics')).body;
      const line = text.split('\n').find((l) => l.startsWith(`okta_wfm_http_refused_total{reason="${reason}"}`));
      return line === undefined ? 0 : Number(line.split(' ').at(-1));
    };
    const reasons = ['host', 'cross-site', 'unauthorized', 'throttled'];
    const before = await Promise.all(reasons.map(count));
    expect((await send(open.url, '/api/runs', { headers: { Host: 'evil.example' } })).status).toBe(403);
    expect((await resync(guarded, { ...AUTH, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await resync(guarded, { ...AUTH, Origin: 'http://evil.example' })).status).toBe(403);
    for (let i = 0; i < 10; i += 1) expect((await send(guarded.url, '/api/runs', { headers: { Authorization: basic(ADMIN_USER, 'wrong-password') } })).status).toBe(401);
    expect((await send(guarded.url, '/api/runs', { headers: AUTH })).status).toBe(429);
    clock += WINDOW_MS;
    expect((await send(guarded.url, '/api/runs', { headers: AUTH })).status).toBe(200);
    expect((await send(open.url, '/api/runs')).status).toBe(200);
    const after = await Promise.all(reasons.map(count));
    expect(after.map((n, i) => n - (before[i] ?? 0))).toEqual([1, 2, 10, 1]);
  });

  describe('failed sign-ins', () => {
    const runs = (headers: Record<string, string>) => send(guarded.url, '/api/runs', { headers });
    const wrong = { Authorization: basic(ADMIN_USER, 'not-the-password') };

    it('after 10 failures answers 429 with Retry-After, even to the right password, until the window ends', async () => {
      for (let i = 0; i < 10; i += 1) expect((await runs(wrong)).status).toBe(401);
      clock += 15_000;
      const refused = await runs(AUTH);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('45');
      expect(JSON.parse(refused.body)).toEqual({ error: 'too-many-attempts', message: expect.any(String) });
      expect((await send(guarded.url, '/admin/queues', { headers: AUTH })).status).toBe(429);
      clock += 44_500;
      expect((await runs(AUTH)).headers['retry-after']).toBe('1');
      clock += 500;
      expect((await runs(AUTH)).status).toBe(200);
      expect((await runs(wrong)).status).toBe(401);
    });

    it('does not clear failures on a success, and does not count requests without credentials', async () => {
      for (let i = 0; i < 5; i += 1) expect((await runs(wrong)).status).toBe(401);
      expect((await runs(AUTH)).status).toBe(200);
      for (let i = 0; i < 20; i += 1) expect((await runs({})).status).toBe(401);
      for (let i = 0; i < 5; i += 1) expect((await runs({ Authorization: `Bearer guess-${i}` })).status).toBe(401);
      expect((await runs(AUTH)).status).toBe(429);
    });

    it('ignores X-Forwarded-For unless HTTP_TRUSTED_PROXIES names the proxy: a guesser cannot change the address it is counted under', async () => {
      for (let i = 0; i < 10; i += 1) expect((await runs({ ...wrong, 'X-Forwarded-For': `198.51.100.${i}` })).status).toBe(401);
      expect((await runs({ ...AUTH, 'X-Forwarded-For': '198.51.100.200' })).status).toBe(429);
    });

    it('behind a trusted proxy counts failures per forwarded client, an IPv6 client per /64', async () => {
      const at = (client: string, headers: Record<string, string>) => send(proxied.url, '/api/runs', { headers: { ...headers, 'X-Forwarded-For': client } });
      for (let i = 0; i < 10; i += 1) expect((await at('203.0.113.5', wrong)).status).toBe(401);
      expect((await at('203.0.113.5', AUTH)).status).toBe(429);
      // Another client behind the same proxy, and the proxy's own requests, are let through.
      expect((await at('203.0.113.6', AUTH)).status).toBe(200);
      expect((await send(proxied.url, '/api/runs', { headers: AUTH })).status).toBe(200);
      // The client is the address the proxy saw: an earlier hop the client wrote itself is not believed.
      expect((await at('192.0.2.1, 203.0.113.5', AUTH)).status).toBe(429);
      for (let i = 1; i <= 10; i += 1) expect((await at(`2001:db8:1:2::${i}`, wrong)).status).toBe(401);
      expect((await at('2001:db8:1:2:ffff:ffff:ffff:ffff', AUTH)).status).toBe(429);
      expect((await at('2001:db8:1:3::1', AUTH)).status).toBe(200);
    });

    it('does not count a refused cross-site write as a failed sign-in', async () => {
      for (let i = 0; i < 12; i += 1) expect((await resync(guarded, { ...wrong, Origin: 'http://evil.example' })).status).toBe(403);
      expect((await runs(AUTH)).status).toBe(200);
      expect(calls).toEqual([]);
      for (let i = 0; i < 10; i += 1) expect((await runs(wrong)).status).toBe(401);
      expect((await runs(AUTH)).status).toBe(429);
    });
  });
});
