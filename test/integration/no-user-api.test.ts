import { runFullSync } from '../../jobs/full-sync';
import { runIncrementalSync } from '../../jobs/incremental-sync';
import { runOffboard } from '../../jobs/offboard';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import { runChecks } from '../../worker/commands/check';
import { loadConfig } from '../../config/load-config';
import { startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';
import { capturingLogger, type LogEntry } from '../helpers/logger';
import { startQuirkyApp } from '../helpers/quirky-app';

/** The user-management API's settings left unset: a WFM known by its SCIM endpoint alone. */
const NO_API = { WFM_API_URL: '', WFM_ACCESS_KEY_ID: '', WFM_ACCESS_KEY_SECRET: '' };

describe('without the WFM user-management API (WFM_API_URL unset)', () => {
  let h: Harness;
  let app: TestApp;
  beforeAll(async () => {
    h = await startHarness({ users: 30, seed: 21 });
    app = startTestApp(h, { env: { ...NO_API, DEACTIVATION_MAX_PERCENT: '100' } });
  });
  afterAll(async () => {
    await app.close();
    await h.close();
  });
  const apiCalls = () => countRequests(h.wfm.requests, { api: 'user-management' });

  it('syncs: every in-scope user is created, and the API is never called', async () => {
    expect(app.deps.wfmApi).toBeUndefined();
    const { report, fatal } = await runFullSync(app.deps);
    expect(fatal).toBeUndefined();
    expect(report.applied.create).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
    expect(apiCalls()).toBe(0);
  });

  it('revives an inactive linked user in scope by its PUT with active: true (RFC 7643)', async () => {
    const [user] = inScopeUsers(h.okta.state, h.okta.appId);
    const wfmUser = h.wfm.state.all().find((u) => u.externalId === user?.id);
    if (!user || !wfmUser) throw new Error('no linked user');
    h.wfm.state.setActive(String(wfmUser.id), false);
    const { report } = await runFullSync(app.deps);
    expect(report).toMatchObject({ applied: { reactivate: 1 }, failed: [] });
    expect(h.wfm.state.all().find((u) => u.id === wfmUser.id)).toMatchObject({ active: true });
    expect(apiCalls()).toBe(0);
  });

  it('off-boarding stops before reading anything, naming the settings; its dry run still shows who would go', async () => {
    const [, leaver] = inScopeUsers(h.okta.state, h.okta.appId);
    if (!leaver) throw new Error('no user');
    h.okta.state.setStatus(leaver.id, 'SUSPENDED');
    h.okta.requests.length = 0;
    const real = await runOffboard(app.deps, {});
    expect(real.fatal).toMatchObject({ kind: 'config', message: expect.stringMatching(/^off-boarding deactivates users through the WFM user-management API, which is not configured: set WFM_API_URL, WFM_ACCESS_KEY_ID and WFM_ACCESS_KEY_SECRET/) as unknown });
    expect(h.okta.requests).toHaveLength(0);
    const dry = await runOffboard(app.deps, { dryRun: true });
    expect(dry.fatal).toBeUndefined();
    expect(dry.report.planned.deactivate).toBe(1);
    expect(apiCalls()).toBe(0);
    expect(h.wfm.state.all().find((u) => u.externalId === leaver.id)).toMatchObject({ active: true });
  });

  it('check warns that off-boarding is off, and passes', async () => {
    const checks = await runChecks(loadConfig({ ...h.env, ...NO_API }));
    expect(checks.find((c) => c.name === 'wfm-api')).toEqual({ name: 'wfm-api', ok: true, warning: true, detail: expect.stringMatching(/^not configured \(WFM_API_URL\): off-boarding is off/) as unknown });
    expect(checks.every((c) => c.ok)).toBe(true);
  });

  it('an incremental run logs the users who left scope, and neither looks them up in the WFM nor hands them over', async () => {
    const logs: LogEntry[] = [];
    const inc = startTestApp(h, { env: NO_API, deps: { logger: capturingLogger(logs, 'warn') } });
    try {
      expect((await runIncrementalSync(inc.deps)).fatal).toBeUndefined(); // starts the cursor
      const [, , leaver] = inScopeUsers(h.okta.state, h.okta.appId);
      if (!leaver) throw new Error('no user');
      h.okta.state.setStatus(leaver.id, 'SUSPENDED');
      h.wfm.requests.length = 0;
      const { report, fatal } = await runIncrementalSync(inc.deps);
      expect(fatal).toBeUndefined();
      expect(report.failed).toEqual([]);
      expect(inc.offboards).toEqual([]);
      expect(h.wfm.requests.filter((r) => (new URLSearchParams(r.query).get('filter') ?? '').includes(leaver.id))).toEqual([]);
      // This leaver, and the one the off-boarding test suspended, still inside the cursor's overlap window.
      const told = logs.filter((e) => String(e.message).startsWith('users left scope, and stay active in the WFM'));
      expect(told).toHaveLength(1);
      expect(told[0]?.users).toBeGreaterThanOrEqual(1);
      expect(report).toMatchObject({ planned: { create: 0, update: 0 } });
    } finally {
      await inc.close();
    }
  });

  it('the CLI runs a sync with none of the three set', async () => {
    const { code, report } = await h.cli(['sync', '--once', '--json'], NO_API);
    expect(code).toBe(0);
    expect(report).toMatchObject({ kind: 'full-sync', failed: [] });
  });
});

describe.each([
  ['answers the user', '200'],
  ['answers without `active` (read again)', '200-without-active'],
] as const)('without the user-management API, on a WFM whose PUT leaves `active` as it was, and %s', (_name, putAnswer) => {
  it('a reactivation fails that user, saying the WFM revives through its API and which settings it needs', async () => {
    const quirky = await startQuirkyApp({ users: 8, seed: 5 }, { keepsActive: true, putAnswer }, NO_API);
    try {
      expect((await runFullSync(quirky.app.deps)).report.failed).toEqual([]);
      const [first] = [...quirky.wfm.users.values()];
      if (!first) throw new Error('no WFM user');
      quirky.wfm.users.set(String(first.id), { ...first, active: false });
      const { report } = await runFullSync(quirky.app.deps);
      expect(report.applied.reactivate).toBe(0);
      expect(report.failed).toEqual([
        expect.objectContaining({ action: 'reactivate', error: expect.stringMatching(/still reads inactive after a PUT with active: true: this WFM revives users through its user-management API; set WFM_API_URL, WFM_ACCESS_KEY_ID and WFM_ACCESS_KEY_SECRET$/) as unknown }),
      ]);
    } finally {
      await quirky.close();
    }
  });
});
