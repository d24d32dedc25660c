import { explainUser } from '../../jobs/explain';
import { runIncrementalSync } from '../../jobs/incremental-sync';
import { runResyncUser } from '../../jobs/resync-user';
import { pullChanges } from '../../jobs/incremental-pull';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import type { TestApp } from '../helpers/app';
import type { Harness } from '../helpers/harness';
import { startQuirkyApp, type QuirkyApp } from '../helpers/quirky-app';
import type { QuirkyScim } from '../helpers/quirky-scim';
import { heldUser } from '../helpers/scim-writes';

/**
 * The app against a SCIM server that refuses filtering users by externalId (400 invalidFilter, as
 * servers built for Okta's own provisioning do), with the sandbox Okta and the real clients.
 */
describe('the app with a WFM that does not filter users by externalId', () => {
  let h: Harness;
  let wfm: QuirkyScim;
  let app: TestApp;
  let quirky: QuirkyApp;
  beforeAll(async () => {
    quirky = await startQuirkyApp({ users: 12, seed: 5 }, { externalIdFilter: 'invalidFilter' });
    ({ h, wfm, app } = quirky);
  });
  afterAll(() => quirky.close());
  beforeEach(() => {
    wfm.seen.length = 0;
  });

  const inScope = (n: number) => {
    const user = inScopeUsers(h.okta.state, h.okta.appId)[n];
    if (!user) throw new Error(`no in-scope user ${n}`);
    return user;
  };

  it('a sync with WFM_READ_MODE=lookup stops before any write, as a setting error that says to list instead', async () => {
    const { code, report } = await h.cli(['sync', '--once', '--json'], { WFM_READ_MODE: 'lookup', WFM_SCIM_URL: wfm.url });
    expect(code).toBe(2);
    expect(report?.error).toMatch(/^the WFM does not filter users by externalId \(WFM SCIM GET \/Users answered (400|501).*\), which WFM_READ_MODE=lookup needs: .*; use WFM_READ_MODE=list$/);
    expect(wfm.seen.filter((r) => !r.startsWith('GET '))).toEqual([]);
  });

  it('a changed user who left scope is handed to off-boarding, which reads the whole listing and re-checks', async () => {
    const user = inScope(0);
    h.okta.state.setStatus(user.id, 'SUSPENDED');
    const pull = await pullChanges(app.deps, { touched: [user.id], read: { logNext: undefined, events: [], updated: [], unreadable: 0 } }, false);
    expect(pull.counts).toMatchObject({ leftScope: 1, handedToOffboarding: 1 });
    expect(app.offboards).toEqual([['left scope in Okta (incremental sync)', [user.id]]]);
  });

  it('explain looks the user up by userName, and says its externalId could not be looked up', async () => {
    const user = inScope(1);
    wfm.users.set('w2', heldUser('w2', user.login, user.id));
    const explained = await explainUser(app.deps, user.login);
    expect(explained.wfm).toEqual([expect.objectContaining({ id: 'w2', matchedBy: 'userName', externalId: user.id })]);
    expect(explained.next.reason).toMatch(/the WFM does not filter by externalId, so it was searched by userName alone/);
  });

  it('with WFM_READ_MODE=list, an incremental run and a one-user resync read their users from the listing', async () => {
    // The first incremental run has no cursor yet: it reads everything, as a full sync does.
    expect((await runIncrementalSync(app.deps)).report).toMatchObject({ kind: 'full-sync', failed: [] });
    const [a, b] = [inScope(2), inScope(3)];
    h.okta.state.updateProfile(a.id, { firstName: 'Incremental' });
    const incremental = await runIncrementalSync(app.deps);
    expect(incremental.fatal).toBeUndefined();
    expect(incremental.report).toMatchObject({ kind: 'incremental-sync', applied: { create: 0, update: 1 }, failed: [] });
    expect([...wfm.users.values()].find((u) => u.externalId === a.id)).toMatchObject({ name: expect.objectContaining({ givenName: 'Incremental' }) });

    h.okta.state.updateProfile(b.id, { firstName: 'Resynced' });
    const resync = await runResyncUser(app.deps, { user: b.login });
    expect(resync.fatal).toBeUndefined();
    expect(resync.report).toMatchObject({ kind: 'resync-user', applied: { create: 0, update: 1 }, failed: [] });
    expect([...wfm.users.values()].find((u) => u.externalId === b.id)).toMatchObject({ name: expect.objectContaining({ givenName: 'Resynced' }) });
  });
});
