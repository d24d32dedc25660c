import { runFullSync } from '../../jobs/full-sync';
import { runResyncUser } from '../../jobs/resync-user';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { ownedKeys } from '../../store/owned-values';
import type { TestApp } from '../helpers/app';
import type { Harness } from '../helpers/harness';
import { startQuirkyApp, type QuirkyApp } from '../helpers/quirky-app';
import type { QuirkyScim } from '../helpers/quirky-scim';

/**
 * A WFM whose search by externalId answers an empty list (it does not index the attribute) rather
 * than refusing the filter: runs that look users up one by one cannot find a user whose login
 * changed in Okta. A create would give that person a second WFM user.
 */
describe('the app with a WFM whose externalId search finds nothing', () => {
  let h: Harness;
  let wfm: QuirkyScim;
  let app: TestApp;
  let quirky: QuirkyApp;
  beforeAll(async () => {
    quirky = await startQuirkyApp({ users: 12, seed: 7 }, { externalIdFilter: 'empty' });
    ({ h, wfm, app } = quirky);
    expect((await runFullSync(app.deps)).report.failed).toEqual([]);
  });
  afterAll(() => quirky.close());

  it('a user whose login changed is not created again by a one-user resync (a conflict), and the next listing renames it', async () => {
    const [user] = inScopeUsers(h.okta.state, h.okta.appId);
    if (!user) throw new Error('no user in scope');
    const before = wfm.users.size;
    const login = `renamed.${user.login}`;
    h.okta.state.updateProfile(user.id, { login, email: login });
    wfm.seen.length = 0;

    const resync = await runResyncUser(app.deps, { user: login });
    expect(resync.report.planned.create).toBe(0);
    expect(resync.report.conflicts).toEqual([expect.objectContaining({ oktaId: user.id, reason: expect.stringMatching(/wrote this user before.*not created by this run.*next full sync/) as unknown })]);
    expect(wfm.seen.filter((r) => r.startsWith('POST '))).toEqual([]);
    expect(wfm.users.size).toBe(before);

    // A full sync reads the listing, where the user is found by its externalId and renamed.
    const full = await runFullSync(app.deps);
    expect(full.report).toMatchObject({ applied: { create: 0, update: 1 }, failed: [] });
    expect(wfm.users.size).toBe(before);
    expect([...wfm.users.values()].find((u) => u.externalId === user.id)?.userName).toBe(login);
  });

  it('a user this sync never wrote is still created by a one-user resync', async () => {
    const [, user] = inScopeUsers(h.okta.state, h.okta.appId);
    if (!user) throw new Error('no user in scope');
    const held = [...wfm.users.entries()].find(([, u]) => u.externalId === user.id);
    if (!held) throw new Error('not synced');
    wfm.users.delete(held[0]);
    await app.deps.redis.hdel(ownedKeys(app.deps.config.redis.prefix).values, user.id);
    const resync = await runResyncUser(app.deps, { user: user.login });
    expect(resync.report).toMatchObject({ applied: { create: 1 }, failed: [] });
  });
});
