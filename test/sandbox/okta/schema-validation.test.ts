import { startOktaSandbox, type OktaSandbox } from '../../../sandbox/okta/server';
import { asArray, asObject, call, ISO_MS } from './helpers';
import { componentValidator, expectValid, loadSpec, responseValidator } from './spec-schemas';

describe('sandbox Okta responses match management.yaml', () => {
  let sandbox: OktaSandbox;
  let appId: string;

  beforeAll(async () => {
    await loadSpec();
    sandbox = await startOktaSandbox({ users: 120, seed: 7 });
    appId = sandbox.appId;
    // Live changes, so the System Log has events inside its 90-day window.
    const { state } = sandbox;
    const user = state.createUser({ profile: { firstName: 'Live', lastName: 'Change', login: 'live.change@example.com', email: 'live.change@example.com' } });
    state.assignUserToApp(appId, user.id);
    state.updateProfile(user.id, { title: 'Agent' });
    const agents = state.groupByName('WFM Agents');
    if (agents) state.addToGroup(agents.id, user.id);
    state.setStatus(user.id, 'SUSPENDED');
  }, 60_000);

  afterAll(async () => {
    await sandbox?.close();
  });

  async function okBody(path: string): Promise<unknown> {
    const res = await call(sandbox, path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('date')).toBeTruthy();
    for (const h of ['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset']) expect(res.headers.get(h)).toMatch(/^\d+$/);
    return res.body;
  }

  test('the validators do reject what Okta would never send', async () => {
    const validate = await componentValidator('User');
    const good = asObject(await okBody(`/api/v1/users/${sandbox.state.users()[0]?.id ?? ''}`));
    expect(validate(good)).toBe(true);
    expect(validate({ ...good, status: 'BOGUS' })).toBe(false);
    expect(validate({ ...good, created: 'yesterday' })).toBe(false);
    expect(validate({ ...good, profile: { ...asObject(good.profile), email: 'not-an-email' } })).toBe(false);
    expect(validate({ ...good, activated: null })).toBe(true);
    const appUser = await componentValidator('AppUser');
    expect(appUser({ id: '00u1', scope: 'SOMETIMES' })).toBe(false);
  });

  test('users list, with and without large profiles', async () => {
    const validate = await responseValidator('/api/v1/users');
    const body = await okBody('/api/v1/users?limit=200');
    expectValid(validate, body, 'GET /api/v1/users');
    for (const user of asArray(body)) {
      expect(user.created).toMatch(ISO_MS);
      expect(user.lastUpdated).toMatch(ISO_MS);
      expect(asObject(asObject(user._links).self).href).toMatch(new RegExp(`^${sandbox.url}/api/v1/users/00u`));
    }
    expectValid(validate, await okBody('/api/v1/users?search=status%20eq%20%22DEPROVISIONED%22'), 'users search');
    sandbox.faults.largeProfiles = true;
    try {
      const big = await call(sandbox, '/api/v1/users?limit=50');
      expect(big.text.length).toBeGreaterThan(64 * 1024);
      expectValid(validate, big.body, 'users with large profiles');
    } finally {
      sandbox.faults.largeProfiles = false;
    }
  });

  test('a single user in every status, and its groups', async () => {
    const validate = await responseValidator('/api/v1/users/{userId}');
    const seen = new Set<string>();
    for (const user of sandbox.state.users()) {
      if (seen.has(user.status)) continue;
      seen.add(user.status);
      expectValid(validate, await okBody(`/api/v1/users/${user.id}`), `GET user ${user.status}`);
    }
    expect(seen.size).toBe(8);
    const someone = sandbox.state.users()[0];
    if (!someone) throw new Error('no users');
    expectValid(await responseValidator('/api/v1/users/{userId}/groups'), await okBody(`/api/v1/users/${someone.id}/groups`), 'user groups');
  });

  test('groups, a group and its members', async () => {
    expectValid(await responseValidator('/api/v1/groups'), await okBody('/api/v1/groups'), 'groups');
    expectValid(await responseValidator('/api/v1/groups'), await okBody('/api/v1/groups?expand=stats&search=type%20eq%20%22OKTA_GROUP%22'), 'groups stats');
    const group = sandbox.state.groupByName('WFM Agents');
    if (!group) throw new Error('no agents group');
    expectValid(await responseValidator('/api/v1/groups/{groupId}'), await okBody(`/api/v1/groups/${group.id}`), 'group');
    expectValid(await responseValidator('/api/v1/groups/{groupId}/users'), await okBody(`/api/v1/groups/${group.id}/users?limit=500`), 'group users');
  });

  test('app users (with expand=user), one app user, app groups', async () => {
    const body = asArray(await okBody(`/api/v1/apps/${appId}/users?limit=500&expand=user`));
    expectValid(await responseValidator('/api/v1/apps/{appId}/users'), body, 'app users');
    const userSchema = await componentValidator('User');
    expect(body.length).toBeGreaterThan(50);
    expect(new Set(body.map((a) => a.scope))).toEqual(new Set(['USER', 'GROUP']));
    for (const appUser of body) expectValid(userSchema, asObject(appUser._embedded).user, 'embedded user');
    const first = body[0];
    if (!first) throw new Error('no app users');
    const one = await okBody(`/api/v1/apps/${appId}/users/${String(first.id)}?expand=user`);
    expectValid(await responseValidator('/api/v1/apps/{appId}/users/{userId}'), one, 'app user');
    expectValid(await responseValidator('/api/v1/apps/{appId}/groups'), await okBody(`/api/v1/apps/${appId}/groups`), 'app groups');
  });

  test('System Log events', async () => {
    const since = new Date(Date.now() - 3600_000).toISOString();
    const body = asArray(await okBody(`/api/v1/logs?since=${since}&limit=1000`));
    expect(body.length).toBeGreaterThanOrEqual(6);
    expectValid(await responseValidator('/api/v1/logs'), body, 'logs');
    for (const event of body) expect(event.published).toMatch(ISO_MS);
  });

  test('error bodies: 400, 401, 404, 405, 429, 500', async () => {
    const validate = await componentValidator('ModelError');
    const cases: Array<[string, { authorization?: string | null; method?: string }, number, string]> = [
      ['/api/v1/users?filter=profile.department%20eq%20%22Sales%22', {}, 400, 'E0000031'],
      ['/api/v1/logs?since=yesterday', {}, 400, 'E0000001'],
      ['/api/v1/users', { authorization: null }, 401, 'E0000011'],
      ['/api/v1/users', { authorization: 'SSWS wrong' }, 401, 'E0000011'],
      ['/api/v1/users/00unope', {}, 404, 'E0000007'],
      ['/api/v1/apps/0oanope/users', {}, 404, 'E0000007'],
      ['/api/v1/groups/00g0000000000000nope/users', {}, 404, 'E0000007'],
      ['/api/v1/nothing/here', {}, 404, 'E0000007'],
      ['/api/v1/users', { method: 'DELETE' }, 405, 'E0000022'],
    ];
    for (const [path, init, status, code] of cases) {
      const res = await call(sandbox, path, init);
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(asObject(res.body).errorCode).toBe(code);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expectValid(validate, res.body, `${status} body`);
      expect(Object.keys(asObject(res.body)).sort()).toEqual(['errorCauses', 'errorCode', 'errorId', 'errorLink', 'errorSummary']);
    }
    sandbox.faults.rateLimitNext = 1;
    const limited = await call(sandbox, '/api/v1/groups');
    expect(limited.status).toBe(429);
    expect(asObject(limited.body).errorCode).toBe('E0000047');
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    expectValid(validate, limited.body, '429 body');
    sandbox.faults.serverErrorNext = 1;
    const broken = await call(sandbox, '/api/v1/groups');
    expect(broken.status).toBe(500);
    expect(asObject(broken.body).errorCode).toBe('E0000009');
    expectValid(validate, broken.body, '500 body');
  });
});
