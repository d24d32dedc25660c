import { runFullSync } from '../../jobs/full-sync';
import { runIncrementalSync } from '../../jobs/incremental-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
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

  it('a next link to another origin fails the run with a clear error, before any write', async () => {
    h.okta.setFaults({ foreignNextLink: true });
    const { fatal } = await runFullSync(app.deps);
    expect(fatal).toMatchObject({
      kind: 'incomplete',
      message: expect.stringMatching(/^Okta answered a link to https:\/\/foreign-okta\.invalid, outside OKTA_ORG_URL/),
    });
    expect(appUserPages()).toHaveLength(1);
    expect(h.wfm.requests).toHaveLength(0);
  });

  it('once Okta answers again, the same run writes everyone', async () => {
    const { report, fatal } = await runIncrementalSync(app.deps);
    expect(fatal).toBeUndefined();
    expect(report.applied.create).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
    expect(await rawCursor(h)).not.toBeNull();
  });
});
