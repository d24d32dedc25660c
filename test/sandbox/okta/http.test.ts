import { startOktaSandbox, type OktaSandbox } from '../../../sandbox/okta/server';
import { asArray, asObject, call, nextLink } from './helpers';

describe('sandbox Okta over HTTP', () => {
  let sandbox: OktaSandbox;

  beforeAll(async () => {
    sandbox = await startOktaSandbox({ users: 300, seed: 21 });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => {
    sandbox.resetFaults();
  });

  test('a doubled slash is normalised and links stay absolute', async () => {
    const res = await call(sandbox, '//api/v1/groups?limit=2');
    expect(res.status).toBe(200);
    expect(res.headers.get('link')).toContain(`<${sandbox.url}/api/v1/groups?limit=2>; rel="self"`);
    expect(nextLink(res.headers)).toMatch(new RegExp(`^${sandbox.url}/api/v1/groups\\?limit=2&after=00g`));
  });

  test('next links keep every parameter, change only after, and stop on the last page', async () => {
    const first = `/api/v1/users?limit=7&search=${encodeURIComponent('profile.department eq "Sales"')}&sortOrder=asc&custom=kept`;
    let url: string | undefined = first;
    const ids: string[] = [];
    let pages = 0;
    while (url) {
      const res = await call(sandbox, url);
      expect(res.status).toBe(200);
      ids.push(...asArray(res.body).map((u) => String(u.id)));
      pages++;
      url = nextLink(res.headers);
      if (url) {
        const params = new URL(url).searchParams;
        expect([...params.keys()]).toEqual(['limit', 'search', 'sortOrder', 'custom', 'after']);
        expect(params.get('search')).toBe('profile.department eq "Sales"');
      }
    }
    const expected = sandbox.state.users().filter((u) => u.profile.department === 'Sales').map((u) => u.id);
    expect(ids).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 7));
  });

  test('users: DEPROVISIONED hidden by default, shown by filter; limits; q', async () => {
    const all = sandbox.state.users();
    const visible = asArray((await call(sandbox, '/api/v1/users?limit=500')).body);
    expect(visible).toHaveLength(200);
    expect(visible.some((u) => u.status === 'DEPROVISIONED')).toBe(false);
    const filtered = asArray((await call(sandbox, `/api/v1/users?filter=${encodeURIComponent('status eq "DEPROVISIONED" or status eq "SUSPENDED"')}`)).body);
    expect(filtered.length).toBe(all.filter((u) => u.status === 'DEPROVISIONED' || u.status === 'SUSPENDED').length);
    const someone = all.find((u) => u.status === 'ACTIVE');
    const prefix = String(someone?.profile.firstName).slice(0, 2).toLowerCase();
    const q = await call(sandbox, `/api/v1/users?q=${prefix}`);
    expect(asArray(q.body).length).toBeLessThanOrEqual(10);
    expect(asArray(q.body).every((u) => JSON.stringify(u.profile).toLowerCase().includes(`"${prefix}`))).toBe(true);
    expect(nextLink(q.headers)).toBeUndefined();
    const byLogin = await call(sandbox, `/api/v1/users/${encodeURIComponent(String(someone?.profile.login).toUpperCase())}`);
    expect(asObject(byLogin.body).id).toBe(someone?.id);
    expect(byLogin.headers.get('etag')).toBeTruthy();
    const caseSensitive = await call(sandbox, `/api/v1/users?filter=${encodeURIComponent(`profile.login eq "${String(someone?.profile.login).toUpperCase()}"`)}`);
    expect(asArray(caseSensitive.body)).toHaveLength(0);
    const caseless = await call(sandbox, `/api/v1/users?search=${encodeURIComponent(`profile.login eq "${String(someone?.profile.login).toUpperCase()}"`)}`);
    expect(asArray(caseless.body).map((u) => u.id)).toEqual([someone?.id]);
  });

  test('groups: q, search on the name, filter on type; filter on the name is refused like Okta', async () => {
    const names = (body: unknown): string[] => asArray(body).map((g) => String(asObject(g.profile).name));
    expect(names((await call(sandbox, '/api/v1/groups?q=wfm')).body).sort()).toEqual(['WFM Agents', 'WFM Supervisors']);
    expect(names((await call(sandbox, `/api/v1/groups?search=${encodeURIComponent('profile.name eq "wfm supervisors"')}`)).body)).toEqual(['WFM Supervisors']);
    expect(names((await call(sandbox, `/api/v1/groups?filter=${encodeURIComponent('type eq "BUILT_IN"')}`)).body)).toEqual(['Everyone']);
    const refused = await call(sandbox, `/api/v1/groups?filter=${encodeURIComponent('profile.name eq "WFM Agents"')}`);
    expect(refused.status).toBe(400);
    expect(asObject(refused.body).errorCode).toBe('E0000031');
  });

  test('app users: default page of 50, each user once', async () => {
    const res = await call(sandbox, `/api/v1/apps/${sandbox.appId}/users`);
    expect(asArray(res.body)).toHaveLength(50);
    expect(new URL(nextLink(res.headers) ?? '').searchParams.get('after')).toBe(String(asArray(res.body)[49]?.id));
    const all = asArray((await call(sandbox, `/api/v1/apps/${sandbox.appId}/users?limit=500`)).body);
    expect(new Set(all.map((a) => a.id)).size).toBe(all.length);
    expect(all.length).toBe(sandbox.state.appUsers(sandbox.appId).length);
    const unassigned = sandbox.state.users().find((u) => !sandbox.state.appUser(sandbox.appId, u.id));
    expect((await call(sandbox, `/api/v1/apps/${sandbox.appId}/users/${unassigned?.id ?? ''}`)).status).toBe(404);
  });

  test('System Log: polling always links on, bounded queries end, filters and order', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const quiet = await call(sandbox, `/api/v1/logs?since=${since}&filter=${encodeURIComponent('eventType eq "no.such.event"')}`);
    expect(asArray(quiet.body)).toHaveLength(0);
    expect(nextLink(quiet.headers)).toContain('after=');
    const user = sandbox.state.createUser({ profile: { firstName: 'Log', lastName: 'Reader', login: 'log.reader@example.com', email: 'log.reader@example.com' } });
    sandbox.state.updateProfile(user.id, { title: 'Agent' });
    const followed = await call(sandbox, nextLink(quiet.headers) ?? '');
    expect(asArray(followed.body)).toHaveLength(0); // the filter still applies
    const poll = await call(sandbox, `/api/v1/logs?since=${since}&limit=2`);
    expect(asArray(poll.body).map((e) => e.eventType)).toEqual(['user.lifecycle.create', 'user.lifecycle.activate']);
    const rest = await call(sandbox, nextLink(poll.headers) ?? '');
    expect(asArray(rest.body).map((e) => e.eventType)).toEqual(['user.account.update_profile']);
    const empty = await call(sandbox, nextLink(rest.headers) ?? '');
    expect(asArray(empty.body)).toHaveLength(0);
    expect(nextLink(empty.headers)).toBeDefined();

    const until = new Date(Date.now() + 1000).toISOString();
    const bounded = await call(sandbox, `/api/v1/logs?since=${since}&until=${until}&limit=2`);
    const boundedRest = await call(sandbox, nextLink(bounded.headers) ?? '');
    expect(asArray(boundedRest.body)).toHaveLength(1);
    expect(nextLink(boundedRest.headers)).toBeUndefined();
    const desc = await call(sandbox, `/api/v1/logs?since=${since}&sortOrder=DESCENDING`);
    expect(asArray(desc.body).map((e) => e.eventType)).toEqual(['user.account.update_profile', 'user.lifecycle.activate', 'user.lifecycle.create']);
    expect(nextLink(desc.headers)).toBeUndefined();
    const either = encodeURIComponent('eventType eq "user.lifecycle.create" or eventType eq "user.account.update_profile"');
    expect(asArray((await call(sandbox, `/api/v1/logs?since=${since}&filter=${either}`)).body)).toHaveLength(2);
    expect(asArray((await call(sandbox, `/api/v1/logs?since=${since}&q=reader%20PROFILE`)).body).map((e) => e.eventType)).toEqual(['user.account.update_profile']);
    expect((await call(sandbox, '/api/v1/logs?sortOrder=SIDEWAYS')).status).toBe(400);
  });

  test('rate-limit buckets count down and answer 429 E0000047 when empty', async () => {
    sandbox.setRateLimits({ limits: { logs: 2 } });
    try {
      const a = await call(sandbox, '/api/v1/logs');
      const b = await call(sandbox, '/api/v1/logs');
      const c = await call(sandbox, '/api/v1/logs');
      expect([a.status, b.status, c.status]).toEqual([200, 200, 429]);
      expect([a, b, c].map((r) => r.headers.get('x-rate-limit-remaining'))).toEqual(['1', '0', '0']);
      expect(c.headers.get('x-rate-limit-limit')).toBe('2');
      expect(Number(c.headers.get('x-rate-limit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
      expect(asObject(c.body).errorCode).toBe('E0000047');
      const users = await call(sandbox, '/api/v1/users?limit=1');
      expect(users.status).toBe(200);
      expect(users.headers.get('x-rate-limit-limit')).toBe('600');
    } finally {
      sandbox.setRateLimits({ limits: { logs: 120 } });
    }
  });

  test('faults: foreign next links, concurrency 429, invalid JSON, seeded random faults', async () => {
    sandbox.faults.foreignNextLink = true;
    const foreign = await call(sandbox, '/api/v1/users?limit=1');
    expect(nextLink(foreign.headers)).toMatch(/^https:\/\/foreign-okta\.invalid\/api\/v1\/users\?limit=1&after=/);
    sandbox.resetFaults();
    sandbox.faults.concurrencyLimitNext = 1;
    const concurrency = await call(sandbox, '/api/v1/users?limit=1');
    expect([concurrency.status, concurrency.headers.get('x-rate-limit-limit')]).toEqual([429, '0']);
    sandbox.faults.invalidJsonNext = 1;
    const invalid = await call(sandbox, '/api/v1/users?limit=1');
    expect(invalid.status).toBe(200);
    expect(() => JSON.parse(invalid.text) as unknown).toThrow();
    sandbox.setFaults({ random: { probability: 1, seed: 3, kinds: ['serverError'] } });
    const statuses = await Promise.all([1, 2, 3, 4].map(async () => (await call(sandbox, '/api/v1/groups')).status));
    expect(statuses.every((s) => s === 500 || s === 503)).toBe(true);
    sandbox.setFaults({ random: { probability: 0, seed: 3, kinds: ['serverError'] } });
    expect((await call(sandbox, '/api/v1/groups')).status).toBe(200);
  });

  test('faults: routes the service lacks answer 404 as an unknown path, the others as usual', async () => {
    sandbox.setFaults({ withoutRoutes: ['/api/v1/apps/[^/]+/groups'] });
    try {
      const missing = await call(sandbox, `/api/v1/apps/${sandbox.appId}/groups`);
      expect(missing.status).toBe(404);
      expect(JSON.parse(missing.text)).toMatchObject({ errorCode: 'E0000007', errorSummary: `Not found: Resource not found: /api/v1/apps/${sandbox.appId}/groups (PathInfo)` });
      expect((await call(sandbox, `/api/v1/apps/${sandbox.appId}/users?limit=1`)).status).toBe(200);
    } finally {
      sandbox.resetFaults();
    }
    expect((await call(sandbox, `/api/v1/apps/${sandbox.appId}/groups`)).status).toBe(200);
  });

  test('every request outside /_sandbox is logged', async () => {
    sandbox.requests.length = 0;
    await call(sandbox, '/api/v1/groups?limit=1&q=wfm');
    await call(sandbox, '/_sandbox/requests');
    expect(sandbox.requests).toEqual([
      { method: 'GET', path: '/api/v1/groups', query: { limit: '1', q: 'wfm' }, status: 200, bucket: 'groups', at: expect.any(String) as unknown },
    ]);
  });
});
