import { runFullSync } from '../../jobs/full-sync';
import { runIncrementalSync } from '../../jobs/incremental-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import { startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * An Okta login renamed to a userName another WFM user holds: a conflict for an admin, whether the
 * run reads the listing or looks users up one by one (incremental runs, WFM_READ_MODE=lookup).
 * A PUT would be refused (409) on every run.
 */
describe.each([['list'], ['lookup']])('WFM_READ_MODE=%s, a login renamed to a userName another WFM user holds', (mode) => {
  let h: Harness;
  let app: TestApp;
  beforeAll(async () => {
    h = await startHarness({ users: 12, seed: 31 });
    app = startTestApp(h, { env: { WFM_READ_MODE: mode } });
    expect((await runIncrementalSync(app.deps)).fatal).toBeUndefined(); // a full sync that starts the cursor
  });
  afterAll(async () => {
    await app.close();
    await h.close();
  });

  it('is a conflict in an incremental run and in a full sync, and nothing is written', async () => {
    const [renamed] = inScopeUsers(h.okta.state, h.okta.appId);
    if (!renamed) throw new Error('no user');
    h.wfm.state.seedUser({ userName: 'taken.name@example.com', name: { givenName: 'T', familyName: 'N' }, emails: [{ value: 'taken.name@example.com', type: 'work' }], active: true });
    h.okta.state.updateProfile(renamed.id, { login: 'taken.name@example.com', email: 'taken.name@example.com' });
    h.wfm.requests.length = 0;
    for (const run of [runIncrementalSync, runFullSync]) {
      const { report, fatal } = await run(app.deps);
      expect(fatal).toBeUndefined();
      expect(report.conflicts).toEqual([expect.objectContaining({ oktaId: renamed.id, reason: 'the login changed to "taken.name@example.com", which another WFM user already holds' })]);
    }
    expect(countRequests(h.wfm.requests, { method: ['POST', 'PUT'] })).toBe(0);
  });
});
