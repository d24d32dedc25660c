import { Redis } from 'ioredis';
import { ENTERPRISE_URN } from '../../config/targets';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness';

const writes = (h: Harness): number => countRequests(h.wfm.requests, { method: ['POST', 'PUT'], api: 'scim' });
const byExternalId = (h: Harness, id: string) => h.wfm.state.all().find((u) => u.externalId === id);

describe('sync --once against both sandboxes and real Redis', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ users: 120, seed: 11, wfmPageSize: 25 });
  });
  afterAll(() => h.close());

  it('dry-run reads everything and writes nothing', async () => {
    const { code, report } = await h.cli(['sync', '--once', '--dry-run', '--json']);
    const expected = inScopeUsers(h.okta.state, h.okta.appId).length;
    expect(code).toBe(0);
    expect(report).toMatchObject({ dryRun: true, planned: { create: expected, update: 0, conflict: 0 }, applied: { create: 0, update: 0 } });
    expect(writes(h)).toBe(0);
    expect(h.wfm.state.all()).toHaveLength(0);
  });

  it('creates every in-scope user once with exactly the mapped attributes, and no one else', async () => {
    const inScope = inScopeUsers(h.okta.state, h.okta.appId, { supervisorGroup: 'WFM Supervisors' });
    expect(inScope.length).toBeGreaterThan(80);
    expect(inScope.some((u) => u.supervisor)).toBe(true);
    h.wfm.requests.length = 0;
    const { code, report } = await h.cli(['sync', '--once', '--json']);
    expect(code).toBe(0);
    expect(report?.applied.create).toBe(inScope.length);
    expect(report?.failed).toEqual([]);
    expect(countRequests(h.wfm.requests, { method: 'POST', api: 'scim' })).toBe(inScope.length);

    const wfmUsers = h.wfm.state.all();
    expect(wfmUsers).toHaveLength(inScope.length);
    expect(new Set(wfmUsers.map((u) => u.externalId))).toEqual(new Set(inScope.map((u) => u.id)));
    for (const expected of inScope) {
      const okta = h.okta.state.getUser(expected.id);
      const got = byExternalId(h, expected.id);
      const p = okta?.profile ?? {};
      expect(got).toMatchObject({
        userName: p.login,
        externalId: expected.id,
        name: { givenName: p.firstName, familyName: p.lastName },
        displayName: `${String(p.firstName)} ${String(p.lastName)}`,
        emails: [{ value: p.email, type: 'work', primary: true }],
        active: true,
        roles: [{ value: expected.supervisor ? 'supervisor' : 'agent', primary: true }],
      });
      const enterprise: Record<string, unknown> = {};
      if (p.employeeNumber !== undefined) enterprise.employeeNumber = p.employeeNumber;
      if (p.department !== undefined) enterprise.department = p.department;
      if (Object.keys(enterprise).length > 0) expect(got?.[ENTERPRISE_URN]).toEqual(enterprise);
      else expect(got?.[ENTERPRISE_URN]).toBeUndefined();
    }
  });

  it('a second sync makes zero POST and zero PUT', async () => {
    h.wfm.requests.length = 0;
    const { code, report } = await h.cli(['sync', '--once', '--json']);
    expect(code).toBe(0);
    expect(writes(h)).toBe(0);
    expect(report?.planned.noop).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
  });

  it('a changed profile gives exactly one PUT that keeps what a WFM admin set', async () => {
    const target = inScopeUsers(h.okta.state, h.okta.appId)[3];
    if (!target) throw new Error('no user');
    const wfmUser = byExternalId(h, target.id);
    h.wfm.state.editAttribute(String(wfmUser?.id), 'phoneNumbers', [{ value: '+1 555 0199', type: 'mobile' }]);
    h.wfm.state.editAttribute(String(wfmUser?.id), 'timezone', 'America/Chicago');
    h.okta.state.updateProfile(target.id, { lastName: 'Renamed' });
    h.wfm.requests.length = 0;
    const { code, report } = await h.cli(['sync', '--once', '--json']);
    expect(code).toBe(0);
    expect(report?.applied).toMatchObject({ create: 0, update: 1 });
    expect(countRequests(h.wfm.requests, { method: 'PUT', api: 'scim' })).toBe(1);
    expect(countRequests(h.wfm.requests, { method: 'POST', api: 'scim' })).toBe(0);
    const after = byExternalId(h, target.id);
    expect(after).toMatchObject({
      name: { familyName: 'Renamed' },
      phoneNumbers: [{ value: '+1 555 0199', type: 'mobile' }],
      timeZone: 'America/Chicago',
      active: true,
    });
  });

  it('links a WFM user with the same userName and no externalId instead of creating a second one', async () => {
    const created = h.okta.state.createUser({
      profile: { login: 'pat.link@example.com', email: 'pat.link@example.com', firstName: 'Pat', lastName: 'Link' },
      status: 'ACTIVE',
    });
    h.okta.state.assignUserToApp(h.okta.appId, created.id);
    const seeded = h.wfm.state.seedUser({
      userName: 'PAT.LINK@example.com',
      name: { givenName: 'Pat', familyName: 'Link' },
      emails: [{ value: 'pat.link@example.com', type: 'work', primary: true }],
      userType: 'Contractor',
      active: true,
    });
    h.wfm.requests.length = 0;
    const { code, report } = await h.cli(['sync', '--once', '--json']);
    expect(code).toBe(0);
    expect(report?.applied).toMatchObject({ create: 0, update: 1 });
    expect(countRequests(h.wfm.requests, { method: 'POST', api: 'scim' })).toBe(0);
    const matches = h.wfm.state.all().filter((u) => String(u.userName).toLowerCase() === 'pat.link@example.com');
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ id: seeded.id, externalId: created.id, userType: 'Contractor' });
  });

  it('fails one user with bad data and goes on with the rest', async () => {
    const bad = h.okta.state.createUser({
      profile: { login: 'bell.char@example.com', email: 'bell.char@example.com', firstName: 'Bell\u0007', lastName: 'Char' },
      status: 'ACTIVE',
    });
    h.okta.state.assignUserToApp(h.okta.appId, bad.id);
    const good = h.okta.state.createUser({
      profile: { login: 'good.one@example.com', email: 'good.one@example.com', firstName: 'Good', lastName: 'One' },
      status: 'ACTIVE',
    });
    h.okta.state.assignUserToApp(h.okta.appId, good.id);
    const { code, report } = await h.cli(['sync', '--once', '--json']);
    expect(code).toBe(1);
    expect(report?.failed).toEqual([{ oktaId: bad.id, userName: 'bell.char@example.com', action: 'map', error: 'name.givenName contains control characters' }]);
    expect(report?.applied.create).toBe(1);
    expect(byExternalId(h, good.id)).toBeDefined();
    expect(byExternalId(h, bad.id)).toBeUndefined();
  });

  it('keeps the run reports in Redis', async () => {
    const redis = new Redis(REDIS_URL);
    try {
      const reports = (await redis.lrange(`${h.prefix}:runs`, 0, -1)).map((r) => JSON.parse(r) as { kind: string });
      expect(reports).toHaveLength(6);
      expect(reports.every((r) => r.kind === 'full-sync')).toBe(true);
    } finally {
      await redis.quit();
    }
  });
  it('an update reads its user first (GET /Users/{id}) with WFM_READ_BEFORE_UPDATE=always; by default a fresh listed copy is merged into', async () => {
    const [one, two] = inScopeUsers(h.okta.state, h.okta.appId).slice(5, 7);
    if (!one || !two) throw new Error('no users');
    const wfmPath = (oktaId: string) => `/scim/v2/Users/${encodeURIComponent(String(byExternalId(h, oktaId)?.id))}`;
    h.okta.state.updateProfile(one.id, { lastName: 'ReadFirst' });
    h.wfm.requests.length = 0;
    await h.cli(['sync', '--once'], { WFM_READ_BEFORE_UPDATE: 'always' }); // exit 1: the user with bad data above still fails
    expect(h.wfm.requests.filter((r) => r.path === wfmPath(one.id)).map((r) => r.method)).toEqual(['GET', 'PUT']);
    h.okta.state.updateProfile(two.id, { lastName: 'Listed' });
    h.wfm.requests.length = 0;
    await h.cli(['sync', '--once']);
    expect(h.wfm.requests.filter((r) => r.path === wfmPath(two.id)).map((r) => r.method)).toEqual(['PUT']);
  });
});
