import { mulberry32 } from '../../../sandbox/wfm/faults';
import { countRequests } from '../../../sandbox/wfm/server';
import type { Harness } from './helpers';
import { filterQuery, list, networkErrorCode, record, startHarness, userBody } from './helpers';

describe('sandbox WFM: faults', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.sandbox.close());
  beforeEach(() => {
    h.sandbox.state.clear();
    h.sandbox.faults.next = [];
    h.sandbox.faults.random = null;
    h.sandbox.faults.latencyMs = 0;
    h.sandbox.requests.length = 0;
  });

  const lastEntry = () => h.sandbox.requests[h.sandbox.requests.length - 1];

  test('429 and 503 carry Retry-After (default 1, or per rule); 500; each one-shot, then normal service', async () => {
    h.sandbox.faults.next.push({ kind: '429', count: 2 }, { kind: '503', retryAfterSeconds: 7 }, { kind: '500' });
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await h.scim.get('/Users'));
    expect(answers.map((r) => r.status)).toEqual([429, 429, 503, 500, 200]);
    expect(answers[0]?.headers['retry-after']).toBe('1');
    expect(answers[2]?.headers['retry-after']).toBe('7');
    expect(answers[0]?.data).toMatchObject({ status: '429', schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'] });
    expect(h.sandbox.requests.map((r) => r.fault)).toEqual(['429', '429', '503', '500', undefined]);
    expect(h.sandbox.faults.next).toEqual([]);
  });

  test('rules match on method, path prefix and api; user-management faults answer {status, error, message}', async () => {
    h.sandbox.faults.next.push(
      { kind: '500', methods: ['post'], pathPrefix: '/scim/v2/Users' },
      { kind: '429', api: 'user-management' },
    );
    expect((await h.scim.get('/Users')).status).toBe(200);
    const tok = await h.api.post('/authentication/v1/token/access-key', { accessKeyId: 'sandbox-key-id', accessKeySecret: 'sandbox-key-secret' });
    expect(tok.status).toBe(429);
    expect(tok.data).toMatchObject({ status: 429, error: 'Too Many Requests' });
    expect((await h.scim.post('/Users', userBody(1))).status).toBe(500);
    expect(h.sandbox.state.size()).toBe(0);
  });

  test('timeout: the request is held without an answer (client times out), then the socket is destroyed', async () => {
    h.sandbox.faults.timeoutMs = 10_000;
    h.sandbox.faults.next.push({ kind: 'timeout' });
    expect(await networkErrorCode(h.scim.get('/Users', { timeout: 300 }))).toBe('ECONNABORTED');
    expect(lastEntry()).toMatchObject({ fault: 'timeout', status: 0 });
    h.sandbox.faults.timeoutMs = 100;
    h.sandbox.faults.next.push({ kind: 'timeout' });
    expect(await networkErrorCode(h.scim.get('/Users', { timeout: 5000 }))).toBe('ECONNRESET');
    h.sandbox.faults.timeoutMs = 30_000;
  });

  test('reset: the connection is reset without an answer', async () => {
    h.sandbox.faults.next.push({ kind: 'reset' });
    expect(await networkErrorCode(h.scim.get('/Users'))).toBe('ECONNRESET');
    expect(lastEntry()).toMatchObject({ fault: 'reset', status: 0 });
  });

  test('malformed-json: a truncated body that does not parse', async () => {
    h.sandbox.state.seedUser(userBody(1));
    h.sandbox.faults.next.push({ kind: 'malformed-json' });
    const res = await h.scim.get('/Users', { responseType: 'text', transformResponse: [(d: unknown) => d] });
    expect(res.status).toBe(200);
    expect(typeof res.data).toBe('string');
    expect(() => JSON.parse(String(res.data))).toThrow(SyntaxError);
    expect(lastEntry()).toMatchObject({ fault: 'malformed-json', status: 200 });
  });

  test('412-on-put: only a PUT fails, and it changes nothing', async () => {
    const id = String(h.sandbox.state.seedUser(userBody(2)).id);
    h.sandbox.faults.next.push({ kind: '412-on-put' });
    expect((await h.scim.get(`/Users/${id}`)).status).toBe(200);
    const put = await h.scim.put(`/Users/${id}`, userBody(2, { active: true, displayName: 'New' }));
    expect(put.status).toBe(412);
    expect(put.data).toMatchObject({ status: '412' });
    expect(h.sandbox.state.get(id)?.displayName).toBeUndefined();
    expect((await h.scim.put(`/Users/${id}`, userBody(2, { active: true, displayName: 'New' }))).status).toBe(200);
  });

  test('lost-response: the POST is applied, the answer is dropped; a lookup finds the user', async () => {
    h.sandbox.faults.next.push({ kind: 'lost-response', methods: ['POST'] });
    expect(await networkErrorCode(h.scim.post('/Users', userBody(3)))).toBe('ECONNRESET');
    expect(lastEntry()).toMatchObject({ method: 'POST', fault: 'lost-response', status: 0 });
    const found = list(await h.scim.get(filterQuery('externalId eq "okta-3"')));
    expect(found.totalResults).toBe(1);
    expect((await h.scim.post('/Users', userBody(3))).status).toBe(409);
  });

  test('random mode is seeded: the same seed replays the same failures', async () => {
    const run = async (): Promise<number[]> => {
      h.sandbox.faults.random = { probability: 0.4, seed: 1234, kinds: ['500', '503'] };
      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1) statuses.push((await h.scim.get('/Users')).status);
      return statuses;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(first.filter((s) => s !== 200).length).toBeGreaterThan(0);
    expect(new Set(first)).toEqual(new Set(first.filter((s) => [200, 500, 503].includes(s))));
    expect(mulberry32(7)()).toBe(mulberry32(7)());
  });

  test('latency delays SCIM and user-management requests, not admin ones', async () => {
    h.sandbox.faults.latencyMs = 5000;
    const slow = networkErrorCode(h.scim.get('/Users', { timeout: 250 }));
    const slowApi = networkErrorCode(h.api.post('/authentication/v1/token/access-key', {}, { timeout: 250 }));
    expect((await h.admin.get('/config', { timeout: 250 })).status).toBe(200);
    expect(await slow).toBe('ECONNABORTED');
    expect(await slowApi).toBe('ECONNABORTED');
    h.sandbox.faults.latencyMs = 0;
  });

  test('request log: one entry per request with api, method, path, query and status', async () => {
    const id = String(h.sandbox.state.seedUser(userBody(4)).id);
    await h.scim.get(`/Users/${id}?attributes=userName`);
    await h.scim.put(`/Users/${id}`, userBody(4, { active: true }));
    await h.api.post('/authentication/v1/token/access-key', {});
    await h.admin.get('/users');
    expect(h.sandbox.requests.map(({ method, path, query, status, api }) => ({ method, path, query, status, api }))).toEqual([
      { method: 'GET', path: `/scim/v2/Users/${id}`, query: 'attributes=userName', status: 200, api: 'scim' },
      { method: 'PUT', path: `/scim/v2/Users/${id}`, query: '', status: 200, api: 'scim' },
      { method: 'POST', path: '/authentication/v1/token/access-key', query: '', status: 400, api: 'user-management' },
      { method: 'GET', path: '/_sandbox/users', query: '', status: 200, api: 'admin' },
    ]);
    expect(typeof h.sandbox.requests[0]?.at).toBe('number');
    expect(countRequests(h.sandbox.requests, { method: ['POST', 'PUT'], api: 'scim' })).toBe(1);
    expect(countRequests(h.sandbox.requests, { pathPrefix: '/scim/v2/Users' })).toBe(2);
    expect(countRequests(h.sandbox.requests, { api: 'scim', method: 'POST' })).toBe(0);
    expect(record(await h.admin.get('/requests')).requests).toHaveLength(5);
  });
});
