// The user-management API client against hand-written servers that answer as other makes of WFM
// legitimately may (CXone User Hub style, from the same description), not only as our sandbox does.
import { createWfmApi, type WfmApiConfig } from '../../clients/wfm-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretFromFile, secretFromValue } from '../../config/secret';
import { DEACTIVATE_PATH, TOKEN_PATH, bearerToken, startUserApiServer, type Answer, type UserApiServer } from '../helpers/user-api-server';

const REVIVES = /\/revive$/;

describe('the WFM user-management API client against other makes of WFM', () => {
  let server: UserApiServer;
  beforeEach(async () => {
    server = await startUserApiServer();
  });
  afterEach(() => server.close());
  const api = (over: Partial<WfmApiConfig> = {}) =>
    createWfmApi({ apiUrl: server.url, accessKeyId: 'key', accessKeySecret: secretFromValue('secret'), requestTimeoutMs: 2000, maxRetries: 2, ...over });
  const tokens = (): number => server.count(TOKEN_PATH);
  const tokenAnswer = (body: unknown, headers?: Record<string, string>): void => {
    server.routes.token = (n) => ({ status: 200, body: typeof body === 'function' ? (body as (n: number) => unknown)(n) : body, ...(headers ? { headers } : {}) });
  };

  describe('the token', () => {
    it.each<[string, unknown]>([
      ['token_type in lower case', { access_token: 'tok', token_type: 'bearer', expires_in: 3600 }],
      ['expires_in as a string', { access_token: 'tok', token_type: 'Bearer', expires_in: '3600' }],
      ['no expires_in', { access_token: 'tok', token_type: 'Bearer' }],
      ['expires_in 0', { access_token: 'tok', token_type: 'Bearer', expires_in: 0 }],
      ['expires_in unreadable', { access_token: 'tok', token_type: 'Bearer', expires_in: 'soon' }],
      ['extra fields', { access_token: 'tok', token_type: 'Bearer', expires_in: 3600, scope: 'users', refresh_token: 'r', issued_at: 1 }],
    ])('%s: used as "Bearer <token>" and reused', async (_name, body) => {
      tokenAnswer(body);
      const client = api();
      await client.deactivate(['a']);
      await client.revive('b');
      expect(tokens()).toBe(1);
      expect(server.seen.filter((s) => s.path !== TOKEN_PATH).map((s) => s.authorization)).toEqual(['Bearer tok', 'Bearer tok']);
    });

    it('a JSON answer sent as text/plain is read', async () => {
      tokenAnswer(JSON.stringify({ access_token: 'tok', expires_in: 3600 }), { 'Content-Type': 'text/plain' });
      await expect(api().deactivate(['a'])).resolves.toEqual({ notDeactivated: [], listed: true });
    });

    it('a short lifetime is renewed at half of it, not before every call', async () => {
      let now = 1_000_000;
      tokenAnswer({ access_token: 'tok', expires_in: 40 });
      const client = api({ now: () => now });
      await client.revive('a');
      now += 15_000;
      await client.revive('a');
      expect(tokens()).toBe(1);
      now += 10_000;
      await client.revive('a');
      expect(tokens()).toBe(2);
    });

    it('a 200 whose body is not JSON fails after the token request\'s own retries, not retried again by the call', async () => {
      tokenAnswer('<html>maintenance</html>');
      const err: unknown = await api({ maxRetries: 2 }).deactivate(['a']).catch((e: unknown) => e);
      expect(err).toMatchObject({ service: 'wfm-api', message: expect.stringContaining('not valid JSON') });
      expect(tokens()).toBe(3);
      expect(server.count(DEACTIVATE_PATH)).toBe(0);
    });

    it.each<[string, Answer, RegExp]>([
      ['plain text', { status: 401, body: 'Unauthorized', headers: { 'Content-Type': 'text/plain' } }, /answered 401/],
      ['{status, error, message}', { status: 401, body: { status: 401, error: 'Unauthorized', message: 'Invalid access key' } }, /answered 401: Invalid access key/],
    ])('a 401 on the token endpoint with %s: an auth error naming the settings, tried once', async (_name, answer, detail) => {
      server.routes.token = () => answer;
      const err: unknown = await api().revive('a').catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'auth', service: 'wfm-api' });
      expect(String(err)).toMatch(detail);
      expect(String(err)).toContain('check WFM_ACCESS_KEY_ID and WFM_ACCESS_KEY_SECRET');
      expect(tokens()).toBe(1);
      expect(server.count(REVIVES)).toBe(0);
    });

    it('an access key secret file gone when a token is needed is a setting to fix, naming it, with no request sent', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wfm-key-'));
      rmSync(dir, { recursive: true });
      const client = api({ accessKeySecret: secretFromFile(join(dir, 'secret'), 'WFM_ACCESS_KEY_SECRET_FILE') });
      await expect(client.revive('a')).rejects.toMatchObject({ kind: 'config', service: 'wfm-api', message: expect.stringContaining('WFM_ACCESS_KEY_SECRET_FILE') });
      expect(server.seen).toEqual([]);
    });

    it('concurrent callers share one token request', async () => {
      const client = api();
      await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => client.revive(id)));
      expect(tokens()).toBe(1);
    });

    it('callers refused together with the same stale token share one renewal', async () => {
      // Token t1 is refused. The first refusal is answered at once; the others only after t2 was
      // issued, so they arrive when the client already holds a fresh token.
      let issued!: () => void;
      const renewed = new Promise<void>((r) => (issued = r));
      server.routes.token = (n) => {
        if (n === 2) setTimeout(issued, 50);
        return bearerToken(n);
      };
      let refusals = 0;
      server.routes.revive = async (_id, auth) => {
        if (auth !== 'Bearer t1') return { status: 204 };
        refusals += 1;
        if (refusals > 1) await renewed;
        return { status: 401, body: { status: 401, error: 'Unauthorized', message: 'The access token has expired' } };
      };
      const client = api();
      await Promise.all(['a', 'b', 'c', 'd'].map((id) => client.revive(id)));
      expect(tokens()).toBe(2);
    });

    it('a 401 on a call renews once and retries once, never more', async () => {
      server.routes.deactivate = () => ({ status: 401, body: 'token expired' });
      const err: unknown = await api().deactivate(['a']).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'auth', status: 401 });
      expect(tokens()).toBe(2);
      expect(server.count(DEACTIVATE_PATH)).toBe(2);
    });
  });

  describe('deactivate', () => {
    const answer = (a: Answer): void => {
      server.routes.deactivate = () => a;
    };
    it.each<[string, Answer, string[], boolean]>([
      ['an empty list', { status: 200, body: { notDeletedUserIds: [] } }, [], true],
      ['null', { status: 200, body: { notDeletedUserIds: null } }, [], false],
      ['no such field', { status: 200, body: { result: 'ok' } }, [], false],
      ['an empty JSON object', { status: 200, body: {} }, [], false],
      ['a 204 with no body', { status: 204 }, [], false],
      ['a 200 with no body', { status: 200 }, [], false],
      ['ids as numbers', { status: 200, body: { notDeletedUserIds: [42, '7'] } }, ['42', '7'], true],
      ['ids as objects', { status: 200, body: { notDeletedUserIds: [{ userId: 42, reason: 'locked' }, { id: 'x' }] } }, ['42', 'x'], true],
      ['JSON sent as text/plain', { status: 200, body: '{"notDeletedUserIds":["7"]}', headers: { 'Content-Type': 'text/plain' } }, ['7'], true],
      ['ids it was not sent, and one twice (the caller matches its own)', { status: 200, body: { notDeletedUserIds: ['7', '7', 'other'] } }, ['7', '7', 'other'], true],
    ])('reads %s', async (_name, a, refused, listed) => {
      answer(a);
      await expect(api().deactivate(['7', '42', 'x'])).resolves.toEqual({ notDeactivated: refused, listed });
    });

    it.each<[string, Answer]>([
      ['a list of something else', { status: 200, body: { notDeletedUserIds: [{ name: 'x' }] } }],
      ['a bare string', { status: 200, body: '"done"' }],
    ])('an answer it cannot read (%s) fails, saying so, with the status it came with', async (_name, a) => {
      answer(a);
      await expect(api().deactivate(['7'])).rejects.toMatchObject({ kind: 'invalid', status: 200, message: expect.stringContaining('not understood') });
    });

    it('a 400 {code, details, errors} fails the call with the details, not retried', async () => {
      answer({ status: 400, body: { code: 'INVALID_REQUEST', details: 'userIds must hold at most 25 ids', errors: [{ field: 'userIds', message: 'too many' }] } });
      await expect(api().deactivate(['7'])).rejects.toMatchObject({ kind: 'invalid', status: 400, message: expect.stringContaining('userIds must hold at most 25 ids') });
      expect(server.count(DEACTIVATE_PATH)).toBe(1);
    });

    it.each<[string, unknown, string]>([
      ['its errors alone', { code: 'INVALID_REQUEST', errors: [{ field: 'userIds', message: 'too many' }, 'duplicate id 7'] }, 'answered 400: userIds: too many; duplicate id 7'],
      ['more errors than are shown', { errors: ['a', 'b', { message: 'c' }, { field: 'x', message: 'd' }, 'e'] }, 'answered 400: a; b; c; and 2 more'],
      ['only a code', { code: 'INVALID_REQUEST', errors: [] }, 'answered 400: INVALID_REQUEST'],
    ])('a 400 with %s says what the WFM said', async (_name, body, message) => {
      answer({ status: 400, body });
      await expect(api().deactivate(['7'])).rejects.toMatchObject({ kind: 'invalid', status: 400, message: expect.stringContaining(message) });
    });

    it.each([429, 503])('a %i with Retry-After is retried', async (status) => {
      server.routes.deactivate = (_ids, _auth, n) => (n === 1 ? { status, headers: { 'Retry-After': '0' } } : { status: 200, body: { notDeletedUserIds: [] } });
      await expect(api().deactivate(['7'])).resolves.toEqual({ notDeactivated: [], listed: true });
      expect(server.count(DEACTIVATE_PATH)).toBe(2);
    });

    it('a call that timed out is sent again (deactivating twice is harmless)', async () => {
      server.routes.deactivate = (_ids, _auth, n) => (n === 1 ? { status: 200, hang: true } : { status: 200, body: { notDeletedUserIds: [] } });
      await expect(api({ requestTimeoutMs: 300 }).deactivate(['7'])).resolves.toEqual({ notDeactivated: [], listed: true });
      expect(server.count(DEACTIVATE_PATH)).toBe(2);
    });
  });

  describe('revive', () => {
    const answer = (a: Answer): void => {
      server.routes.revive = () => a;
    };
    it.each<[string, Answer]>([
      ['200 with a JSON body', { status: 200, body: { userId: 'u 1', active: true } }],
      ['200 with no body', { status: 200 }],
      ['204', { status: 204 }],
      ['200 with a body that is not JSON though it says so', { status: 200, body: 'OK' }],
      ['409 already active', { status: 409, body: { status: 409, error: 'Conflict', message: 'User is already active' } }],
    ])('%s is done', async (_name, a) => {
      answer(a);
      await expect(api().revive('u 1')).resolves.toBeUndefined();
      expect(server.count(REVIVES)).toBe(1);
      expect(server.seen.find((s) => REVIVES.test(s.path))?.path).toBe('/user-management/v1/users/u%201/revive');
    });

    it('a 404 for an unknown id is a not-found error with the server\'s message', async () => {
      answer({ status: 404, body: { status: 404, error: 'Not Found', message: 'User u1 not found' } });
      await expect(api().revive('u1')).rejects.toMatchObject({ kind: 'not-found', status: 404, message: expect.stringContaining('User u1 not found') });
    });

    it('a 400 is the caller\'s failure with the details', async () => {
      answer({ status: 400, body: { code: 'INVALID_STATE', details: 'User is locked', errors: [] } });
      await expect(api().revive('u1')).rejects.toMatchObject({ kind: 'invalid', message: expect.stringContaining('User is locked') });
    });
  });
});
