import { loadConfig } from '../../config/load-config';
import express from 'express';
import { adminAuth, clientKey, httpExposureProblem, safeEqual } from '../../worker/auth';
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

describe('the write rate limit', () => {
  it.each([1, 5, 7, 50, 333, 10000])('spreads %i writes a second over short windows without ever exceeding it', (rps) => {
    const { max, duration } = writeLimiter(rps);
    expect((max * 1000) / duration).toBeLessThanOrEqual(rps);
    expect((max * 1000) / duration).toBeGreaterThan(rps * 0.95);
    expect(duration).toBeLessThanOrEqual(rps >= 10 ? 110 : 1000);
  });
});
