import { runFullSync } from '../../jobs/full-sync';
import { runIncrementalSync } from '../../jobs/incremental-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import { startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * A WFM admin added a work email of their own to a synced user, listed first and primary (a team
 * mailbox). When the user's email then changes in Okta, the run replaces the entry we wrote, not
 * the admin's, and tells the change as Okta's, not as an edit made in the WFM.
 */
describe.each([
  ['a full sync', runFullSync],
  ['an incremental run', runIncrementalSync],
])("an Okta email change on a user holding an admin's work email too, by %s", (_name, run) => {
  let h: Harness;
  let app: TestApp;
  beforeAll(async () => {
    h = await startHarness({ users: 6, seed: 47 });
    app = startTestApp(h);
    expect((await runIncrementalSync(app.deps)).fatal).toBeUndefined(); // the first run is a full sync
  });
  afterAll(async () => {
    await app.close();
    await h.close();
  });

  it("replaces our entry, keeps the admin's, and writes nothing the next run", async () => {
    const [user] = inScopeUsers(h.okta.state, h.okta.appId);
    if (!user) throw new Error('no user');
    const wfmUser = h.wfm.state.all().find((u) => u.externalId === user.id);
    if (!wfmUser) throw new Error('not synced');
    const wfmId = String(wfmUser.id);
    const ours = (wfmUser.emails as { value: string }[])[0]?.value;
    const team = { value: 'team-east@example.com', type: 'work', primary: true };
    h.wfm.state.editAttribute(wfmId, 'emails', [team, { value: ours, type: 'work' }]);
    h.okta.state.updateProfile(user.id, { email: 'moved.address@example.com' });

    const { report, fatal } = await run(app.deps);
    expect(fatal).toBeUndefined();
    expect(report.applied.update).toBe(1);
    expect(h.wfm.state.get(wfmId)?.emails).toEqual([team, { value: 'moved.address@example.com', type: 'work' }]);
    expect(report.drift).toMatchObject({ okta: 1, wfm: 0, both: 0 });

    h.wfm.requests.length = 0;
    const again = await runFullSync(app.deps);
    expect(again.fatal).toBeUndefined();
    expect(countRequests(h.wfm.requests, { method: ['POST', 'PUT'] })).toBe(0);
  });
});
