import { setTimeout as delay } from 'node:timers/promises';
import type { Harness } from './helpers';
import { record, startHarness, userBody } from './helpers';

const TOKEN_PATH = '/authentication/v1/token/access-key';
const DEACTIVATE_PATH = '/user-management/v1/users/deactivate';
const keys = { accessKeyId: 'sandbox-key-id', accessKeySecret: 'sandbox-key-secret' };

describe('sandbox WFM: user-management API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.sandbox.close());
  beforeEach(() => {
    h.sandbox.state.clear();
    h.sandbox.faults.failDeactivateIds = [];
  });

  const token = async (): Promise<string> => {
    const res = await h.api.post(TOKEN_PATH, keys);
    return String(record(res).access_token);
  };
  const bearer = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });

  test('token: 200 {access_token, token_type, expires_in}; a random token each time', async () => {
    const res = await h.api.post(TOKEN_PATH, keys);
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
    expect(await token()).not.toBe(record(res).access_token);
  });

  test('token: wrong key 401 {status, error, message}; malformed body 400 {code, details, errors}', async () => {
    const wrong = await h.api.post(TOKEN_PATH, { ...keys, accessKeySecret: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.data).toEqual({ status: 401, error: 'Unauthorized', message: expect.any(String) });
    for (const body of [{ accessKeyId: 'sandbox-key-id' }, '{not json', [keys]]) {
      const res = await h.api.post(TOKEN_PATH, body, { headers: { 'content-type': 'application/json' }, transformRequest: [(d: unknown) => (typeof d === 'string' ? d : JSON.stringify(d))] });
      expect(res.status).toBe(400);
      expect(res.data).toMatchObject({ code: expect.any(String), details: expect.any(String), errors: expect.any(Array) });
      expect((record(res).errors as unknown[]).length).toBeGreaterThan(0);
    }
  });

  test('deactivate: users read active:false over SCIM with a bumped version; unknown and failing ids are reported', async () => {
    const a = String(h.sandbox.state.seedUser(userBody('a')).id);
    const b = String(h.sandbox.state.seedUser(userBody('b')).id);
    const c = String(h.sandbox.state.seedUser(userBody('c', { active: false })).id);
    const d = String(h.sandbox.state.seedUser(userBody('d')).id);
    h.sandbox.faults.failDeactivateIds = [d];
    const res = await h.api.post(DEACTIVATE_PATH, { userIds: [a, b, c, d, 'ghost'] }, bearer(await token()));
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ notDeletedUserIds: [d, 'ghost'] });
    const userA = record(await h.scim.get(`/Users/${a}`));
    expect(userA).toMatchObject({ active: false, meta: { version: 'W/"2"' } });
    expect(h.sandbox.state.get(c)?.active).toBe(false);
    expect(h.sandbox.state.get(d)?.active).toBe(true);
  });

  test('deactivate: 1..100 ids, else 400', async () => {
    const t = await token();
    const tooMany = Array.from({ length: 101 }, (_, i) => `id-${i}`);
    for (const body of [{ userIds: [] }, { userIds: tooMany }, { userIds: 'x' }, {}]) {
      const res = await h.api.post(DEACTIVATE_PATH, body, bearer(t));
      expect(res.status).toBe(400);
      expect(res.data).toMatchObject({ code: expect.any(String), errors: expect.any(Array) });
    }
    const max = await h.api.post(DEACTIVATE_PATH, { userIds: tooMany.slice(0, 100) }, bearer(t));
    expect(record(max).notDeletedUserIds).toHaveLength(100);
  });

  test('revive: active again over SCIM; 404 for an unknown id', async () => {
    const id = String(h.sandbox.state.seedUser(userBody('r', { active: false })).id);
    const t = await token();
    const res = await h.api.post(`/user-management/v1/users/${encodeURIComponent(id)}/revive`, {}, bearer(t));
    expect(res.status).toBe(200);
    expect(record(await h.scim.get(`/Users/${id}`)).active).toBe(true);
    const missing = await h.api.post('/user-management/v1/users/ghost/revive', {}, bearer(t));
    expect(missing.status).toBe(404);
    expect(missing.data).toMatchObject({ status: 404, error: 'Not Found' });
  });

  test('access-token auth: missing, unknown, the SCIM token, and expired tokens are 401 {status, error, message}', async () => {
    const id = String(h.sandbox.state.seedUser(userBody('t')).id);
    const body = { userIds: [id] };
    const noToken = await h.api.post(DEACTIVATE_PATH, body);
    expect(noToken.status).toBe(401);
    expect(noToken.data).toEqual({ status: 401, error: 'Unauthorized', message: expect.any(String) });
    expect((await h.api.post(DEACTIVATE_PATH, body, bearer('made-up'))).status).toBe(401);
    expect((await h.api.post(DEACTIVATE_PATH, body, bearer('sandbox-scim-token'))).status).toBe(401);
    const t = await token();
    h.sandbox.state.expireTokens();
    const expired = await h.api.post(`/user-management/v1/users/${id}/revive`, {}, bearer(t));
    expect(expired.status).toBe(401);
    expect(String(record(expired).message)).toMatch(/expired/);
    expect(h.sandbox.state.get(id)?.active).toBe(true);
    expect((await h.api.post(DEACTIVATE_PATH, body, bearer(await token()))).status).toBe(200);
  });

  test('tokens expire after tokenTtlSeconds', async () => {
    const short = await startHarness({ tokenTtlSeconds: 1 });
    try {
      const res = await short.api.post(TOKEN_PATH, keys);
      expect(record(res).expires_in).toBe(1);
      const auth = { headers: { authorization: `Bearer ${String(record(res).access_token)}` } };
      expect((await short.api.post(DEACTIVATE_PATH, { userIds: ['x'] }, auth)).status).toBe(200);
      await delay(1100);
      expect((await short.api.post(DEACTIVATE_PATH, { userIds: ['x'] }, auth)).status).toBe(401);
    } finally {
      await short.sandbox.close();
    }
  });

  test('wrong method 405, unknown path 404', async () => {
    expect((await h.api.get(TOKEN_PATH)).status).toBe(405);
    expect((await h.api.post('/user-management/v1/users', {})).status).toBe(404);
  });
});
