import { runResyncUser } from '../../jobs/resync-user';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { createSeenInScope } from '../../store/seen-in-scope';
import { startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * A resync of one user who is out of scope leaves that user to off-boarding. Off-boarding
 * deactivates, and for every leaver it finds, so only a real resync asks for it: a dry run plans
 * and asks for nothing, and records nothing.
 */
describe('a resync of one user out of scope', () => {
  let h: Harness;
  let app: TestApp;
  beforeAll(async () => {
    h = await startHarness({ users: 12, seed: 5 });
    app = startTestApp(h);
  });
  afterAll(async () => {
    await app.close();
    await h.close();
  });

  it('asks for off-boarding on a real run only, never on a dry run', async () => {
    const [user] = inScopeUsers(h.okta.state, h.okta.appId);
    if (!user) throw new Error('no user in scope');
    h.okta.state.setStatus(user.id, 'SUSPENDED');
    const dry = await runResyncUser(app.deps, { user: user.login, dryRun: true });
    expect(dry.fatal).toBeUndefined();
    expect(dry.report.dryRun).toBe(true);
    expect(app.offboards).toEqual([]);
    const real = await runResyncUser(app.deps, { user: user.login });
    expect(real.fatal).toBeUndefined();
    expect(app.offboards).toEqual([['resync of a user out of scope', [user.id]]]);
  });

  it('a dry run of a user in scope records nothing: not even that the user was seen in scope', async () => {
    const [, user] = inScopeUsers(h.okta.state, h.okta.appId);
    if (!user) throw new Error('no user in scope');
    const seen = createSeenInScope(app.deps.redis, app.deps.config.redis.prefix);
    const dry = await runResyncUser(app.deps, { user: user.login, dryRun: true });
    expect(dry.report.planned.create).toBe(1);
    expect([...(await seen.seen([user.id]))]).toEqual([]);
    await runResyncUser(app.deps, { user: user.login });
    expect([...(await seen.seen([user.id]))]).toEqual([user.id]);
  });
});
