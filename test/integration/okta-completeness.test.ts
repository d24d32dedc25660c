import { runFullSync } from '../../jobs/full-sync';
import { runIncrementalSync } from '../../jobs/incremental-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import { loadConfig } from '../../config/load-config';
import { buildApp } from '../../worker/main';
import { capturingLogger, type LogEntry } from '../helpers/logger';
import { rawCursor, startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';

describe('a full pull that cannot be trusted writes nothing', () => {
  let h: Harness;
  let app: TestApp;
  const appUserPages = () => h.okta.requests.filter((r) => r.path === `/api/v1/apps/${h.okta.appId}/users`);

  beforeAll(async () => {
    // More than 500 assigned users: the app's users come in two pages.
    h = await startHarness({ users: 620, seed: 3 });
    app = startTestApp(h);
  });
  afterAll(async () => {
    await app.close();
    await h.close();
  });
  beforeEach(() => {
    h.okta.requests.length = 0;
    h.wfm.requests.length = 0;
  });
  afterEach(() => h.okta.resetFaults());

  it('paging that breaks after the first page fails the run before any write (full and first incremental run)', async () => {
    expect(h.okta.state.appUsers(h.okta.appId).length).toBeGreaterThan(500);
    h.okta.setFaults({ breakPageAfter: 0 });
    for (const run of [runFullSync, runIncrementalSync]) {
      const { report, fatal } = await run(app.deps);
      expect(fatal).toMatchObject({ kind: 'transient', message: expect.stringMatching(/list users of app .* answered 500/) });
      expect(report.error).toBe(fatal?.message);
    }
    expect(appUserPages().filter((r) => r.status === 500).length).toBeGreaterThan(1);
    expect(countRequests(h.wfm.requests, { method: ['POST', 'PUT'] })).toBe(0);
    expect(h.wfm.state.all()).toHaveLength(0);
    expect(await rawCursor(h)).toBeNull();
  });

  it('once Okta answers again, the same run writes everyone', async () => {
    const { report, fatal } = await runIncrementalSync(app.deps);
    expect(fatal).toBeUndefined();
    expect(report.applied.create).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
    expect(await rawCursor(h)).not.toBeNull();
  });

  it('a next link to another origin is followed on OKTA_ORG_URL: the run reads every page and writes everyone', async () => {
    h.wfm.state.clear();
    h.okta.setFaults({ foreignNextLink: true });
    const { report, fatal } = await runFullSync(app.deps);
    expect(fatal).toBeUndefined();
    expect(appUserPages()).toHaveLength(2);
    expect(report.applied.create).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
    expect(h.wfm.state.all()).toHaveLength(report.applied.create);
  });

  it("the worker's Okta source warns once that Okta's links name another origin", async () => {
    const entries: LogEntry[] = [];
    const built = buildApp(loadConfig(h.env), capturingLogger(entries, 'warn'));
    try {
      h.okta.setFaults({ foreignNextLink: true });
      const pull = await built.deps.okta.pullInScope();
      expect(pull.users.length).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
      await built.deps.okta.pullInScope();
    } finally {
      await built.close();
    }
    const moved = entries.filter((e) => String(e.message).includes('another origin than OKTA_ORG_URL'));
    expect(moved).toEqual([expect.objectContaining({ level: 'warn', from: 'https://foreign-okta.invalid', to: h.okta.url })]);
  });
});
