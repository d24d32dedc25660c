import { runIncrementalSync } from '../../jobs/incremental-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import { ownedKeys } from '../../store/owned-values';
import { createPullStats } from '../../store/pull-stats';
import { rawCursor, startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';

/** The Okta users read one by one (checkUser). */
const oktaChecked = (h: Harness): string[] => h.okta.requests.filter((r) => /^\/api\/v1\/users\/[^/]+$/.test(r.path)).map((r) => r.path.split('/')[4] ?? '');

const hasFilter = (query: string): boolean => new URLSearchParams(query).has('filter');

function clearLogs(h: Harness): void {
  h.wfm.requests.length = 0;
  h.okta.requests.length = 0;
}

describe('an incremental run with more changed users than INCREMENTAL_RECONCILE_ABOVE', () => {
  let h: Harness;
  let app: TestApp;
  const agents = () => inScopeUsers(h.okta.state, h.okta.appId, { supervisorGroup: 'WFM Supervisors' }).filter((u) => !u.supervisor && u.scope === 'USER');
  const wfmUser = (oktaId: string) => h.wfm.state.all().find((u) => u.externalId === oktaId);

  beforeAll(async () => {
    h = await startHarness({ users: 60, seed: 33 });
    app = startTestApp(h, { env: { INCREMENTAL_RECONCILE_ABOVE: '3' } });
    const first = await runIncrementalSync(app.deps); // no cursor yet: a full sync sets it
    expect(first.report.kind).toBe('full-sync');
  });
  afterAll(async () => {
    await app.close();
    await h.close();
  });

  it('at or under it, reads each changed user one by one', async () => {
    const [a, b] = agents();
    if (!a || !b) throw new Error('not enough agents');
    h.okta.state.updateProfile(a.id, { lastName: 'Under' });
    h.okta.state.updateProfile(b.id, { lastName: 'Under' });
    clearLogs(h);
    const { report } = await runIncrementalSync(app.deps);
    expect(report).toMatchObject({ kind: 'incremental-sync', applied: { update: 2 }, failed: [] });
    expect(new Set(oktaChecked(h))).toEqual(new Set([a.id, b.id]));
    expect(h.wfm.requests.filter((r) => r.method === 'GET').every((r) => hasFilter(r.query))).toBe(true);
  });

  it('above it, reads everything as a full sync does, applies the changes, hands leavers over and moves the cursor', async () => {
    const [a, b, c, d, leaver] = agents();
    if (!a || !b || !c || !d || !leaver) throw new Error('not enough agents');
    for (const u of [a, b, c, d]) h.okta.state.updateProfile(u.id, { lastName: 'Everyone' });
    h.okta.state.setStatus(leaver.id, 'SUSPENDED');
    const cursorBefore = await rawCursor(h);
    const { values } = ownedKeys(app.deps.config.redis.prefix);
    expect(await app.deps.redis.hexists(values, leaver.id)).toBe(1);
    clearLogs(h);
    app.offboards.length = 0;

    const { report, fatal } = await runIncrementalSync(app.deps);
    expect(fatal).toBeUndefined();
    expect(report).toMatchObject({ kind: 'incremental-sync', applied: { create: 0, update: 4 }, failed: [] });
    // No user read one by one, in Okta or the WFM: the app's users and the WFM listing instead.
    expect(oktaChecked(h)).toEqual([]);
    expect(h.okta.requests.some((r) => r.path === `/api/v1/apps/${h.okta.appId}/users`)).toBe(true);
    const gets = h.wfm.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/Users'));
    expect(gets.length).toBeGreaterThan(0);
    expect(gets.some((r) => hasFilter(r.query))).toBe(false);
    expect(countRequests(h.wfm.requests, { method: 'PUT', api: 'scim' })).toBe(4);
    for (const u of [a, b, c, d]) expect(wfmUser(u.id)).toMatchObject({ name: { familyName: 'Everyone' } });
    expect(app.offboards).toEqual([[expect.stringContaining('left scope'), [leaver.id]]]);
    expect(await rawCursor(h)).not.toBe(cursorBefore);
    // A complete pull, as a full sync's: its counts are recorded, the leaver's drift record goes.
    expect(await createPullStats(app.deps.redis, app.deps.config.redis.prefix).last()).toMatchObject({ source: 'incremental-sync' });
    expect(await app.deps.redis.hexists(values, leaver.id)).toBe(0);
    expect(await app.deps.redis.hexists(values, a.id)).toBe(1);

    // The cursor moved past those changes: the next run finds nothing to do.
    clearLogs(h);
    app.offboards.length = 0;
    const next = await runIncrementalSync(app.deps);
    expect(next.report).toMatchObject({ kind: 'incremental-sync', planned: { create: 0, update: 0 } });
    expect(h.wfm.requests).toHaveLength(0);
    expect(app.offboards).toEqual([]);
  });

  it('a dry run that reads everything hands nobody over and writes nothing', async () => {
    const [leaver, ...changed] = agents().slice(0, 6);
    if (!leaver || changed.length < 5) throw new Error('not enough agents');
    for (const u of changed) h.okta.state.updateProfile(u.id, { lastName: 'Dry' });
    h.okta.state.setStatus(leaver.id, 'SUSPENDED');
    clearLogs(h);
    app.offboards.length = 0;
    const { report } = await runIncrementalSync(app.deps, { dryRun: true });
    expect(report).toMatchObject({ kind: 'incremental-sync', dryRun: true, planned: { update: 5 } });
    expect(oktaChecked(h)).toEqual([]);
    expect(app.offboards).toEqual([]);
    expect(countRequests(h.wfm.requests, { method: ['POST', 'PUT'] })).toBe(0);
  });
});
