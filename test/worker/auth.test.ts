import { loadConfig } from '../../config/load-config';
import express from 'express';
import winston from 'winston';
import { adminAuth, clientKey, httpExposureProblem, REFUSALS_LOGGED_PER_MINUTE, safeEqual, type FailureLimits } from '../../worker/auth';
import { runCli } from '../../worker/cli';
import { writeLimiter } from '../../worker/runtime';
import { validEnv } from '../helpers/env';

describe('admin credentials and exposure', () => {
  it('compares in constant time whatever the lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'x')).toBe(false);
  });

  it('allows loopback without credentials, anything else only with them', () => {
    expect(httpExposureProblem(loadConfig(validEnv()).http)).toBeUndefined();
    expect(httpExposureProblem(loadConfig(validEnv({ HTTP_HOST: '0.0.0.0' })).http)).toMatch(/^HTTP_HOST: 0\.0\.0\.0 is not a loopback address/);
    expect(httpExposureProblem(loadConfig(validEnv({ HTTP_HOST: '0.0.0.0', ADMIN_TOKEN: 'x'.repeat(20) })).http)).toBeUndefined();
    expect(httpExposureProblem(loadConfig(validEnv({ HTTP_HOST: '0.0.0.0', ADMIN_USER: 'ops', ADMIN_PASSWORD: 'y'.repeat(12) })).http)).toBeUndefined();
  });

  it('counts failed sign-ins per IPv4 address (IPv4-mapped too) and per IPv6 /64, however the address is written', () => {
    expect(clientKey('203.0.113.5')).toBe('203.0.113.5');
    expect(clientKey('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(clientKey('::FFFF:cb00:7105')).toBe('203.0.113.5');
    const prefix = '2001:db8:a:b::/64';
    for (const a of ['2001:db8:a:b::1', '2001:0DB8:000a:000b:1:2:3:4', '2001:db8:a:b:ffff:ffff:ffff:ffff', '2001:db8:a:b::9%eth0']) expect(clientKey(a)).toBe(prefix);
    expect(clientKey('2001:db8:a:c::1')).not.toBe(prefix);
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('')).toBe('');
  });

  it('counts ADMIN_PASSWORD as stored, without the blanks around it: 3 characters padded to 13 are too short', () => {
    expect(() => loadConfig(validEnv({ ADMIN_USER: 'ops', ADMIN_PASSWORD: `abc${' '.repeat(10)}` }))).toThrow(/ADMIN_PASSWORD: must be at least 12 characters/);
  });

  it('needs ADMIN_USER and ADMIN_PASSWORD together', () => {
    expect(() => loadConfig(validEnv({ ADMIN_USER: 'ops' }))).toThrow(/ADMIN_PASSWORD: is required with ADMIN_USER/);
  });

  it('the worker refuses to start exposed without credentials: exit 2 naming HTTP_HOST', async () => {
    const err: string[] = [];
    const code = await runCli(['worker'], { env: validEnv({ HTTP_HOST: '0.0.0.0' }), stdout: () => undefined, stderr: (l) => err.push(l) });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/HTTP_HOST: 0\.0\.0\.0 is not a loopback address/);
  });
});

describe('adminAuth over HTTP', () => {
  it('takes basic auth from browsers and the bearer token from scripts, and answers 401 otherwise', async () => {
    const http = loadConfig(validEnv({ ADMIN_TOKEN: 't'.repeat(20), ADMIN_USER: 'ops', ADMIN_PASSWORD: 'p'.repeat(12) })).http;
    const app = express();
    app.get('/api/x', adminAuth(http), (_req, res) => {
      res.json({ ok: true });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as { port: number };
    const get = (authorization?: string) => fetch(`http://127.0.0.1:${port}/api/x`, authorization ? { headers: { Authorization: authorization } } : {});
    const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    try {
      expect((await get()).status).toBe(401);
      expect((await get()).headers.get('www-authenticate')).toMatch(/^Basic /);
      expect((await get(`Bearer ${'t'.repeat(20)}`)).status).toBe(200);
      expect((await get(basic('ops', 'p'.repeat(12)))).status).toBe(200);
      expect((await get(basic('ops', 'wrong-password'))).status).toBe(401);
      expect((await get(basic('root', 'p'.repeat(12)))).status).toBe(401);
      expect((await get(`Bearer ${'t'.repeat(19)}`)).status).toBe(401);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('refused sign-ins in the log', () => {
  const PASSWORD = 'secret-password-1';
  const TOKEN = 'admin-token-0123456789';
  const http = loadConfig(validEnv({ ADMIN_TOKEN: TOKEN, ADMIN_USER: 'ops', ADMIN_PASSWORD: PASSWORD })).http;
  const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

  /** An app behind adminAuth whose log lines are kept, with a clock the test moves. */
  const serve = async (limits: Partial<FailureLimits>) => {
    const lines: Record<string, unknown>[] = [];
    const logger = winston.createLogger({ level: 'debug', transports: [new winston.transports.Console({ silent: true })] });
    logger.on('data', (info: unknown) => lines.push(JSON.parse(JSON.stringify(info)) as Record<string, unknown>));
    const app = express();
    app.use('/api', adminAuth(http, limits, logger), (_req, res) => {
      res.json({ ok: true });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as { port: number };
    const get = async (authorization?: string, path = '/api/runs?limit=5') => (await fetch(`http://127.0.0.1:${port}${path}`, authorization ? { headers: { Authorization: authorization } } : {})).status;
    return { lines, get, close: () => new Promise((r) => server.close(r)) };
  };

  it('logs each refusal at warn with the client, the path and the user name tried, never the password or token', async () => {
    const s = await serve({});
    try {
      expect(await s.get(basic('ops', 'wrong-password'))).toBe(401);
      expect(await s.get(basic('mallory', PASSWORD), '/api/resync')).toBe(401);
      expect(await s.get(`Bearer ${TOKEN}x`, '/api/runs/some-run')).toBe(401);
      expect(await s.get(basic(PASSWORD, 'x'))).toBe(401);
      expect(await s.get(`Basic ${Buffer.from(PASSWORD).toString('base64')}`)).toBe(401);
      expect(await s.get()).toBe(401);
      expect(await s.get(basic('ops', PASSWORD))).toBe(200);
      expect(await s.get(`Bearer ${TOKEN}`)).toBe(200);
      const line = { level: 'warn', message: 'admin sign-in refused', reason: 'unauthorized', client: '127.0.0.1' };
      expect(s.lines).toEqual([
        { ...line, path: '/api/runs', scheme: 'basic', user: 'ops' },
        { ...line, path: '/api/resync', scheme: 'basic', user: 'mallory' },
        { ...line, path: '/api/runs/some-run', scheme: 'bearer' },
        { ...line, path: '/api/runs', scheme: 'basic' },
        { ...line, path: '/api/runs', scheme: 'basic' },
      ]);
      const text = JSON.stringify(s.lines);
      for (const secret of [PASSWORD, TOKEN, 'wrong-password']) expect(text).not.toContain(secret);
    } finally {
      await s.close();
    }
  });

  it('logs at most REFUSALS_LOGGED_PER_MINUTE a minute, the throttled answers too, and counts the rest on the next line', async () => {
    let now = 1_000_000;
    const s = await serve({ maxFailures: 30, windowMs: 3_600_000, now: () => now });
    try {
      for (let i = 0; i < 30; i += 1) expect(await s.get(basic(`guess-${i}`, 'x'))).toBe(401);
      for (let i = 0; i < 5; i += 1) expect(await s.get(basic('guess', 'x'))).toBe(429);
      expect(s.lines).toHaveLength(REFUSALS_LOGGED_PER_MINUTE);
      expect(s.lines.at(-1)).toMatchObject({ user: `guess-${REFUSALS_LOGGED_PER_MINUTE - 1}` });
      now += 60_000;
      expect(await s.get(basic('late', 'x'))).toBe(429);
      expect(s.lines.at(-1)).toMatchObject({ level: 'warn', reason: 'too-many-attempts', user: 'late', alsoSince: 30 - REFUSALS_LOGGED_PER_MINUTE + 5 });
    } finally {
      await s.close();
    }
  });
});

describe('the write rate limit', () => {
  it.each([1, 5, 7, 50, 333, 10000])('spreads %i writes a second over short windows without ever exceeding it', (rps) => {
    const { max, duration } = writeLimiter(rps);
    expect((max * 1000) / duration).toBeLessThanOrEqual(rps);
    expect((max * 1000) / duration).toBeGreaterThan(rps * 0.95);
    expect(duration).toBeLessThanOrEqual(rps >= 10 ? 110 : 1000);
  });
});
