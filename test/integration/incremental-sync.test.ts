import { runIncrementalSync } from '../../jobs/incremental-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import { rawCursor, startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';

/** The Okta ids the WFM was asked about: every lookup names the user by externalId or userName. */
function wfmTouched(h: Harness): Set<string> {
  const ids = new Set<string>();
  for (const r of h.wfm.requests) {
    const filter = new URLSearchParams(r.query).get('filter') ?? '';
    const m = /^(externalId|userName) eq "(.*)"$/.exec(filter);
    if (!m) continue;
    const id = m[1] === 'externalId' ? m[2] : h.okta.state.findUserByLogin(m[2] ?? '')?.id;
    if (id) ids.add(id);
  }
  return ids;
}

/** The Okta users read one by one (checkUser). */
const oktaChecked = (h: Harness): Set<string> =>
  new Set(h.okta.requests.filter((r) => /^\/api\/v1\/users\/[^/]+$/.test(r.path)).map((r) => r.path.split('/')[4] ?? ''));

const wfmUser = (h: Harness, oktaId: string) => h.wfm.state.all().find((u) => u.externalId === oktaId);

function clearLogs(h: Harness): void {
  h.wfm.requests.length = 0;
  h.okta.requests.length = 0;
}

describe('incremental-sync against both sandboxes and real Redis', () => {
  let h: Harness;
  let app: TestApp;
  const agents = () => inScopeUsers(h.okta.state, h.okta.appId, { supervisorGroup: 'WFM Supervisors' }).filter((u) => !u.supervisor && u.scope === 'USER');
  const group = (name: string): string => h.okta.state.groupByName(name)?.id ?? '';

  beforeAll(async () => {
    h = await startHarness({ users: 60, seed: 21 });
    app = startTestApp(h);
  });
  afterAll(async () => {
    await app.close();
    await h.close();
  });

  it('with no cursor a dry run is a dry full sync and sets no cursor', async () => {
    const { report } = await runIncrementalSync(app.deps, { dryRun: true });
    expect(report).toMatchObject({ kind: 'full-sync', dryRun: true });
    expect(report.planned.create).toBeGreaterThan(30);
    expect(countRequests(h.wfm.requests, { method: ['POST', 'PUT'] })).toBe(0);
    expect(await rawCursor(h)).toBeNull();
  });

  it('the first run is a full sync; the cursor starts when that full sync began', async () => {
    const before = Date.now();
    const { report, fatal } = await runIncrementalSync(app.deps);
    expect(fatal).toBeUndefined();
    expect(report.kind).toBe('full-sync');
    expect(report.applied.create).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
    const cursor = JSON.parse((await rawCursor(h)) ?? '{}') as { baselineAt: string; watermark: string };
    expect(Date.parse(cursor.baselineAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(cursor.baselineAt)).toBeLessThanOrEqual(Date.parse(report.startedAt));
    // The next run reads only changes: there are none.
    clearLogs(h);
    const next = await runIncrementalSync(app.deps);
    expect(next.report).toMatchObject({ kind: 'incremental-sync', planned: { create: 0, update: 0, noop: 0 } });
    expect(h.wfm.requests).toHaveLength(0);
  });

  it('touches exactly the users changed in Okta, and hands leavers to off-boarding', async () => {
    const [a, b, d, f, e] = agents();
    if (!a || !b || !d || !f || !e) throw new Error('not enough agents');
    const outsider = h.okta.state.users().find((u) => u.status === 'ACTIVE' && !h.okta.state.appUser(h.okta.appId, u.id));
    if (!outsider) throw new Error('no unassigned user');
    h.okta.state.updateProfile(a.id, { lastName: 'Changed' });
    h.okta.state.addToGroup(group('WFM Supervisors'), b.id);
    const c = h.okta.state.createUser({
      profile: { login: 'new.hire@example.com', email: 'new.hire@example.com', firstName: 'New', lastName: 'Hire' },
      status: 'ACTIVE',
    });
    h.okta.state.assignUserToApp(h.okta.appId, c.id);
    h.okta.state.setStatus(d.id, 'SUSPENDED');
    h.okta.state.setStatus(e.id, 'DEPROVISIONED'); // deactivated: still listed by lastUpdated (OKTA.md)
    h.okta.state.updateProfile(outsider.id, { title: 'Not ours' });
    h.okta.state.addToGroup(group('Engineering'), f.id); // a group that matters to nobody
    clearLogs(h);
    app.offboards.length = 0;

    const { report, fatal } = await runIncrementalSync(app.deps);
    expect(fatal).toBeUndefined();
    expect(report).toMatchObject({ kind: 'incremental-sync', applied: { create: 1, update: 2 }, failed: [] });
    expect(oktaChecked(h)).toEqual(new Set([a.id, b.id, c.id, d.id, e.id, outsider.id]));
    // The outsider was never in scope here: not off-boarding's to deactivate, so not looked up in the WFM.
    expect(wfmTouched(h)).toEqual(new Set([a.id, b.id, c.id, d.id, e.id]));
    expect(countRequests(h.wfm.requests, { method: 'POST', api: 'scim' })).toBe(1);
    expect(countRequests(h.wfm.requests, { method: 'PUT', api: 'scim' })).toBe(2);
    expect(app.offboards).toEqual([[expect.stringContaining('left scope'), expect.arrayContaining([d.id, e.id])]]);
    expect(app.offboards[0]?.[1]).toHaveLength(2);
    expect(wfmUser(h, a.id)).toMatchObject({ name: { familyName: 'Changed' } });
    expect(wfmUser(h, b.id)).toMatchObject({ roles: [{ value: 'supervisor', primary: true }] });
    expect(wfmUser(h, c.id)).toMatchObject({ userName: 'new.hire@example.com', active: true });
  });

  it('catches a membership change that does not move lastUpdated, through the System Log', async () => {
    const [agent] = agents();
    if (!agent) throw new Error('no agent');
    const lastUpdated = h.okta.state.getUser(agent.id)?.lastUpdated;
    h.okta.state.addToGroup(group('WFM Supervisors'), agent.id);
    expect(h.okta.state.getUser(agent.id)?.lastUpdated).toBe(lastUpdated);
    clearLogs(h);
    const { report } = await runIncrementalSync(app.deps);
    expect(report.applied).toMatchObject({ create: 0, update: 1 });
    expect(oktaChecked(h)).toEqual(new Set([agent.id]));
    expect(wfmUser(h, agent.id)).toMatchObject({ roles: [{ value: 'supervisor', primary: true }] });
  });

  it('catches a membership change whose group target carries only its id (every target field is optional), for a group named by name', async () => {
    const [, agent] = agents();
    if (!agent) throw new Error('no agent');
    const okta = app.deps.okta as { readLog: typeof app.deps.okta.readLog };
    const readLog = okta.readLog;
    okta.readLog = async (from) => {
      const read = await readLog(from);
      return { ...read, events: read.events.map((e) => ({ ...e, targets: e.targets.map((t) => (t.type === 'UserGroup' ? { id: t.id, type: t.type } : t)) })) };
    };
    try {
      h.okta.state.addToGroup(group('WFM Supervisors'), agent.id);
      clearLogs(h);
      const { report } = await runIncrementalSync(app.deps);
      expect(report.applied).toMatchObject({ create: 0, update: 1 });
      expect(oktaChecked(h)).toEqual(new Set([agent.id]));
      expect(wfmUser(h, agent.id)).toMatchObject({ roles: [{ value: 'supervisor', primary: true }] });
    } finally {
      okta.readLog = readLog;
    }
  });

  it('keeps its cursor across a restart: a new process on the same Redis prefix goes on from it', async () => {
    const [a] = agents();
    if (!a) throw new Error('no agent');
    await app.close();
    h.okta.state.updateProfile(a.id, { firstName: 'Restarted' });
    app = startTestApp(h);
    clearLogs(h);
    const { report } = await runIncrementalSync(app.deps);
    expect(report).toMatchObject({ kind: 'incremental-sync', applied: { update: 1, create: 0 } });
    expect(h.okta.requests.filter((r) => r.path.startsWith(`/api/v1/apps/${h.okta.appId}/users`) && !r.path.includes('/users/'))).toHaveLength(0);
    expect(wfmUser(h, a.id)).toMatchObject({ name: { givenName: 'Restarted' } });
  });

  it('a run that fails after its writes is repeated from the old cursor, with no duplicate', async () => {
    const g = h.okta.state.createUser({
      profile: { login: 'twice.maybe@example.com', email: 'twice.maybe@example.com', firstName: 'Twice', lastName: 'Maybe' },
      status: 'ACTIVE',
    });
    h.okta.state.assignUserToApp(h.okta.appId, g.id);
    const before = await rawCursor(h);
    const crashing = startTestApp(h, {
      deps: {
        writer: {
          async apply(deps, runId, actions) {
            await app.deps.writer.apply(deps, runId, actions);
            throw new Error('worker lost after the writes');
          },
        },
      },
    });
    clearLogs(h);
    try {
      const failed = await runIncrementalSync(crashing.deps);
      expect(failed.fatal).toMatchObject({ message: expect.stringMatching(/^worker lost after the writes; /) });
    } finally {
      await crashing.close();
    }
    expect(await rawCursor(h)).toBe(before);
    expect(countRequests(h.wfm.requests, { method: 'POST', api: 'scim' })).toBe(1);

    const again = await runIncrementalSync(app.deps);
    expect(again.report).toMatchObject({ planned: { create: 0, noop: 1 }, applied: { create: 0 } });
    expect(countRequests(h.wfm.requests, { method: 'POST', api: 'scim' })).toBe(1);
    expect(h.wfm.state.all().filter((u) => u.externalId === g.id)).toHaveLength(1);
    expect(await rawCursor(h)).not.toBe(before);
  });

  it('follows a System Log next link to another origin on OKTA_ORG_URL: the change is written, and the cursor kept is on OKTA_ORG_URL', async () => {
    const changed = agents()[1];
    if (!changed) throw new Error('no agent');
    h.okta.state.updateProfile(changed.id, { lastName: 'Foreign' });
    h.okta.setFaults({ foreignNextLink: true });
    try {
      const { report, fatal } = await runIncrementalSync(app.deps);
      expect(fatal).toBeUndefined();
      expect(report.applied.update).toBe(1);
    } finally {
      h.okta.resetFaults();
    }
    expect(h.wfm.state.all().find((u) => u.externalId === changed.id)).toMatchObject({ name: { familyName: 'Foreign' } });
    const cursor = JSON.parse((await rawCursor(h)) ?? '{}') as { logNext?: string };
    expect(cursor.logNext?.startsWith(`${h.okta.url}/api/v1/logs?`)).toBe(true);
  });

  it('a dry run plans the pending change, writes nothing and leaves the cursor where it was', async () => {
    h.okta.state.updateProfile(agents()[2]?.id ?? '', { lastName: 'Pending' });
    const before = await rawCursor(h);
    clearLogs(h);
    const { report } = await runIncrementalSync(app.deps, { dryRun: true });
    expect(report).toMatchObject({ kind: 'incremental-sync', dryRun: true, planned: { update: 1 }, applied: { update: 0 } });
    expect(countRequests(h.wfm.requests, { method: ['POST', 'PUT'] })).toBe(0);
    expect(await rawCursor(h)).toBe(before);
  });

  it('runs from the command line: sync --once --incremental --json', async () => {
    const { code, report } = await h.cli(['sync', '--once', '--incremental', '--json']);
    expect(code).toBe(0);
    expect(report).toMatchObject({ kind: 'incremental-sync', applied: { update: 1 } });
  });
});
