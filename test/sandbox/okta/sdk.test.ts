import { Client, DefaultRequestExecutor, type Collection } from '@okta/okta-sdk-nodejs';
import { startOktaSandbox, type OktaSandbox } from '../../../sandbox/okta/server';
import { IN_SCOPE_STATUSES } from '../../../sandbox/okta/types';
import { summarizeOrg } from '../../../sandbox/okta/generator';

/** Every item of a collection; `for await` yields null on an empty page that has a next link, so skip those. */
async function collect<T>(collection: Collection<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of collection) if (item) items.push(item);
  return items;
}

describe('the real @okta/okta-sdk-nodejs against the sandbox', () => {
  let sandbox: OktaSandbox;
  let client: Client;

  beforeAll(async () => {
    sandbox = await startOktaSandbox({ users: 300, seed: 11 });
    client = new Client({
      orgUrl: sandbox.url,
      token: sandbox.token,
      cacheMiddleware: null,
      requestExecutor: new DefaultRequestExecutor({ maxRetries: 2, requestTimeout: 10000 }),
    });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => {
    sandbox.resetFaults();
    sandbox.requests.length = 0;
  });

  test('pages through app users with expand=user, following absolute next links', async () => {
    const appUsers = await collect(await client.applicationApi.listApplicationUsers({ appId: sandbox.appId, limit: 100, expand: 'user' }));
    const expected = sandbox.state.appUsers(sandbox.appId).map((a) => a.userId);
    expect(appUsers.map((a) => a.id)).toEqual(expected);
    const calls = sandbox.requests.filter((r) => r.path === `/api/v1/apps/${sandbox.appId}/users`);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls[0]?.query.after).toBeUndefined();
    expect(calls.slice(1).every((c) => c.query.after !== undefined && c.query.expand === 'user' && c.query.limit === '100')).toBe(true);
    const embedded = appUsers.map((a) => (a._embedded as { user?: { id?: string; status?: string } } | undefined)?.user);
    expect(embedded.every((u, i) => u?.id === appUsers[i]?.id)).toBe(true);
    // The oracle is the same set, narrowed to in-scope statuses.
    const inScope = appUsers.filter((a, i) => IN_SCOPE_STATUSES.some((s) => s === embedded[i]?.status)).map((a) => a.id);
    expect(inScope).toEqual(summarizeOrg(sandbox.state, { appId: sandbox.appId }).inScopeIds);
  });

  test('pages through group members and filters users', async () => {
    const agents = sandbox.state.groupByName('WFM Agents');
    if (!agents) throw new Error('no agents group');
    const members = await collect(await client.groupApi.listGroupUsers({ groupId: agents.id, limit: 40 }));
    expect(members.map((u) => u.id)).toEqual(sandbox.state.groupMembers(agents.id).map((u) => u.id));
    expect(members.length).toBeGreaterThan(80);

    const deprovisioned = await collect(await client.userApi.listUsers({ filter: 'status eq "DEPROVISIONED"', limit: 5 }));
    expect(deprovisioned.length).toBe(sandbox.state.users().filter((u) => u.status === 'DEPROVISIONED').length);
    expect(deprovisioned.length).toBeGreaterThan(5);

    const before = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000).toISOString();
    const target = sandbox.state.users()[3];
    if (!target) throw new Error('no user');
    sandbox.state.updateProfile(target.id, { title: 'Quality Analyst' });
    const changed = await collect(await client.userApi.listUsers({ filter: `lastUpdated gt "${before}"`, limit: 200 }));
    expect(changed.map((u) => u.id)).toEqual([target.id]);
    expect(changed[0]?.profile?.title).toBe('Quality Analyst');
    expect(changed[0]?.lastUpdated).toBeInstanceOf(Date);
  });

  test('gets a user by id and by login, and lists its groups', async () => {
    const user = sandbox.state.users().find((u) => sandbox.state.userGroups(u.id).length > 1);
    if (!user) throw new Error('no grouped user');
    const byId = await client.userApi.getUser({ userId: user.id });
    const byLogin = await client.userApi.getUser({ userId: String(user.profile.login).toUpperCase() });
    expect(byId.id).toBe(user.id);
    expect(byLogin.id).toBe(user.id);
    expect(byId.profile?.employeeNumber).toBe(user.profile.employeeNumber);
    const groups = await collect(await client.userApi.listUserGroups({ userId: user.id }));
    expect(groups.map((g) => g.profile?.name).sort()).toEqual(sandbox.state.userGroups(user.id).map((g) => g.name).sort());
    await expect(client.userApi.getUser({ userId: 'nobody@example.com' })).rejects.toMatchObject({ status: 404, errorCode: 'E0000007' });
  });

  test('reads the System Log with each(), then polls on from the same collection', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const user = sandbox.state.createUser({ profile: { firstName: 'Poll', lastName: 'One', login: 'poll.one@example.com', email: 'poll.one@example.com' } });
    sandbox.state.assignUserToApp(sandbox.appId, user.id);
    const filter = `target.id eq "${user.id}"`;
    const logs = await client.systemLogApi.listLogEvents({ since, sortOrder: 'ASCENDING', limit: 2, filter });
    const first: string[] = [];
    await logs.each((event) => {
      first.push(String(event.eventType));
    });
    expect(first).toEqual(['user.lifecycle.create', 'user.lifecycle.activate', 'application.user_membership.add']);
    expect(logs.nextUri).toContain('after=');

    sandbox.state.setStatus(user.id, 'DEPROVISIONED');
    const second: Array<{ type: string; userTarget: string | undefined }> = [];
    await logs.each((event) => {
      second.push({ type: String(event.eventType), userTarget: event.target?.find((t) => t.type === 'User')?.alternateId });
    });
    expect(second).toEqual([
      { type: 'user.lifecycle.deactivate', userTarget: 'poll.one@example.com' },
      { type: 'application.user_membership.remove', userTarget: 'poll.one@example.com' },
    ]);
  });

  test('waits out a 429 (rate limit and concurrency limit) and retries', async () => {
    const user = sandbox.state.users()[0];
    if (!user) throw new Error('no user');
    sandbox.faults.rateLimitNext = 1;
    sandbox.faults.concurrencyLimitNext = 1;
    const got = await client.userApi.getUser({ userId: user.id });
    expect(got.id).toBe(user.id);
    expect(sandbox.requests.map((r) => r.status)).toEqual([429, 429, 200]);
  });

  test('does not retry 5xx, invalid JSON or a page that breaks mid-way', async () => {
    const user = sandbox.state.users()[0];
    if (!user) throw new Error('no user');
    sandbox.faults.serverErrorNext = 1;
    await expect(client.userApi.getUser({ userId: user.id })).rejects.toMatchObject({ status: 500, errorCode: 'E0000009' });
    sandbox.faults.invalidJsonNext = 1;
    await expect(client.userApi.getUser({ userId: user.id })).rejects.toThrow();
    sandbox.faults.breakPageAfter = 1;
    const seen: string[] = [];
    const pull = async (): Promise<void> => {
      for await (const appUser of await client.applicationApi.listApplicationUsers({ appId: sandbox.appId, limit: 100 })) {
        if (appUser?.id) seen.push(appUser.id);
      }
    };
    await expect(pull()).rejects.toMatchObject({ status: 500 });
    expect(seen.length).toBe(200);
  });
});
