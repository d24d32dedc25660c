import { runIncrementalSync } from '../../jobs/incremental-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { rawCursor, startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * An Okta whose clock is 10 min behind the worker's (its Date header, lastUpdated and the log's
 * published times all say so): the incremental sync reads from the full sync's start by Okta's
 * clock, so a change made right after it is not left in the gap.
 */
describe('incremental sync against an Okta whose clock is behind', () => {
  const BEHIND_MS = 10 * 60_000;
  let h: Harness;
  let app: TestApp;
  beforeAll(async () => {
    h = await startHarness({ users: 20, seed: 31 });
    h.okta.state.setClock(() => Date.now() - BEHIND_MS);
    app = startTestApp(h);
    // The Date header of Okta's answers as such an Okta sends it (the sandbox's follows the host's clock).
    (app.deps.okta as { clockOffsetMs: () => number | undefined }).clockOffsetMs = () => -BEHIND_MS;
  });
  afterAll(async () => {
    h.okta.state.setClock(null);
    await app.close();
    await h.close();
  });

  it('starts its cursor from the full sync\'s start by Okta\'s clock, and catches the change that follows', async () => {
    const before = Date.now();
    const first = await runIncrementalSync(app.deps);
    expect(first.report.kind).toBe('full-sync');
    const cursor = JSON.parse((await rawCursor(h)) ?? '{}') as { baselineAt: string };
    expect(Date.parse(cursor.baselineAt)).toBeLessThanOrEqual(before - BEHIND_MS + 1000);
    const [user] = inScopeUsers(h.okta.state, h.okta.appId);
    if (!user) throw new Error('no user in scope');
    h.okta.state.updateProfile(user.id, { lastName: 'Changed' });
    const second = await runIncrementalSync(app.deps);
    expect(second.report.kind).toBe('incremental-sync');
    expect(second.report.applied.update).toBe(1);
    expect(h.wfm.state.all().find((u) => u.externalId === user.id)).toMatchObject({ name: { familyName: 'Changed' } });
  });
});
