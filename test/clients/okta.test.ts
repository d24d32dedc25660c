import { createOktaSource, type OktaSourceConfig } from '../../clients/okta';
import { secretFromValue } from '../../config/secret';
import { summarizeOrg } from '../../sandbox/okta/oracle';
import { sandboxOktaConfig } from '../helpers/okta-config';
import { startOktaSandbox, type OktaSandbox } from '../../sandbox/okta/server';

describe('the Okta source against the sandbox Okta (real SDK)', () => {
  let okta: OktaSandbox;
  let cfg: OktaSourceConfig;
  beforeAll(async () => {
    okta = await startOktaSandbox({ users: 1300, seed: 5 });
  });
  afterAll(() => okta.close());
  beforeEach(() => {
    okta.requests.length = 0;
    okta.resetFaults();
    cfg = sandboxOktaConfig(okta, { retry: { baseDelayMs: 10, maxDelayMs: 50 } });
  });

  it('pulls exactly the users in scope, with their supervisor groups, in the fewest calls', async () => {
    const summary = summarizeOrg(okta.state, { appId: okta.appId, supervisorGroup: 'WFM Supervisors' });
    const pull = await createOktaSource(cfg).pullInScope();
    expect(pull.users.map((u) => u.id).sort()).toEqual([...summary.inScopeIds].sort());
    expect(pull.users.filter((u) => u.groups.includes('WFM Supervisors')).map((u) => u.id).sort()).toEqual([...summary.supervisorIds].sort());
    expect(pull.rejected).toEqual([]);
    expect(pull.counts.inScope).toBe(summary.inScopeIds.length);

    const appUserPages = okta.requests.filter((r) => r.path.startsWith(`/api/v1/apps/${okta.appId}/users`));
    expect(appUserPages).toHaveLength(Math.ceil(summary.assignedIds.length / 500));
    expect(appUserPages.every((r) => r.query.limit === '500' && r.query.expand === 'user')).toBe(true);
    // Role groups are read once per group, never per user.
    expect(okta.requests.filter((r) => /^\/api\/v1\/groups\/[^/]+\/users/.test(r.path))).toHaveLength(1);
    expect(okta.requests.filter((r) => /^\/api\/v1\/users\//.test(r.path))).toHaveLength(0);
  });

  it('leaves out SUSPENDED, DEPROVISIONED, STAGED and unassigned users', async () => {
    const pull = await createOktaSource(cfg).pullInScope();
    const statuses = new Set(pull.users.map((u) => u.status));
    for (const s of ['SUSPENDED', 'DEPROVISIONED', 'STAGED']) expect(statuses.has(s)).toBe(false);
    const assigned = new Set(okta.state.appUsers(okta.appId).map((a) => a.userId));
    expect(pull.users.every((u) => assigned.has(u.id))).toBe(true);
  });

  it('waits out a 429 and retries a 5xx page on its own', async () => {
    okta.setFaults({ rateLimitNext: 1 });
    const first = await createOktaSource(cfg).pullInScope();
    okta.setFaults({ serverErrorNext: 2 });
    const source = createOktaSource(cfg);
    const second = await source.pullInScope();
    expect(second.users.length).toBe(first.users.length);
    expect(source.stats().retries).toBe(2);
  });

  it('fails the pull, with a clear reason, when a page keeps failing', async () => {
    okta.setFaults({ breakPageAfter: 1 });
    await expect(createOktaSource({ ...cfg, retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } }).pullInScope()).rejects.toMatchObject({
      kind: 'transient',
      message: expect.stringMatching(/answered 500/),
    });
  });

  it('names the setting when a supervisor group or the app does not exist', async () => {
    await expect(createOktaSource({ ...cfg, supervisorGroups: ['No Such Group'] }).pullInScope()).rejects.toMatchObject({
      kind: 'config',
      message: 'SUPERVISOR_GROUPS: Okta has no group named "No Such Group"; name the group as Okta has it, or set SUPERVISOR_GROUPS=off when no group gives the supervisor role',
    });
    await expect(createOktaSource({ ...cfg, appId: '0oanosuchapp' }).pullInScope()).rejects.toMatchObject({
      kind: 'config',
      message: expect.stringMatching(/^OKTA_APP_ID: Okta has no app 0oanosuchapp/),
    });
  });

  it('maps a bad token to an auth error that does not contain the token', async () => {
    const err = await createOktaSource({ ...cfg, apiToken: secretFromValue('not-the-token') })
      .pullInScope()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth', status: 401 });
    expect(String((err as Error).message)).not.toContain('not-the-token');
  });
});

describe('checkUser: one Okta user as it is now', () => {
  let okta: OktaSandbox;
  beforeAll(async () => {
    okta = await startOktaSandbox({ users: 80, seed: 9 });
  });
  afterAll(() => okta.close());
  const source = () =>
    createOktaSource(sandboxOktaConfig(okta));

  it('reads status, role groups and assignment, by id or by login', async () => {
    const summary = summarizeOrg(okta.state, { appId: okta.appId, supervisorGroup: 'WFM Supervisors' });
    const supervisor = summary.inScope.find((u) => u.supervisor);
    if (!supervisor) throw new Error('no supervisor');
    const byLogin = await source().checkUser(supervisor.login);
    expect(byLogin).toMatchObject({ found: true, oktaId: supervisor.id, assigned: true, inScope: true, user: { groups: ['WFM Supervisors'] } });
  });

  it('says when a user left scope: unassigned, suspended or deleted', async () => {
    const [a, b, c] = summarizeOrg(okta.state, { appId: okta.appId }).inScope.filter((u) => u.scope === 'USER');
    if (!a || !b || !c) throw new Error('not enough users');
    okta.state.unassignUserFromApp(okta.appId, a.id);
    okta.state.setStatus(b.id, 'SUSPENDED');
    okta.state.setStatus(c.id, 'DEPROVISIONED');
    okta.state.deleteUser(c.id);
    expect(await source().checkUser(a.id)).toMatchObject({ found: true, assigned: false, inScope: false });
    expect(await source().checkUser(b.id)).toMatchObject({ found: true, assigned: true, inScope: false, user: { status: 'SUSPENDED' } });
    expect(await source().checkUser(c.id)).toEqual({ found: false, oktaId: c.id });
  });
});
