import { inScopeUsers } from '../../sandbox/okta/oracle';
import { startHarness, type Harness } from '../helpers/harness';

/** OKTA_IN_SCOPE_STATUSES decides which assigned users are synced (OKTA.md: the default set is configurable). */
describe('OKTA_IN_SCOPE_STATUSES', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ users: 150, seed: 44 });
  });
  afterAll(() => h.close());

  const planned = async (env: Record<string, string> = {}): Promise<number | undefined> => {
    const { code, report } = await h.cli(['sync', '--once', '--dry-run', '--json'], env);
    expect(code).toBe(0);
    return report?.planned.create;
  };

  it('by default syncs the users who can sign in or are about to, and a chosen set when given', async () => {
    const byDefault = inScopeUsers(h.okta.state, h.okta.appId).length;
    const chosen = inScopeUsers(h.okta.state, h.okta.appId, { statuses: ['ACTIVE', 'SUSPENDED'] }).length;
    const suspended = inScopeUsers(h.okta.state, h.okta.appId, { statuses: ['SUSPENDED'] }).length;
    expect(suspended).toBeGreaterThan(0); // the tenant has users the default leaves out
    expect(await planned()).toBe(byDefault);
    expect(await planned({ OKTA_IN_SCOPE_STATUSES: 'active, suspended' })).toBe(chosen);
  });

  it('refuses a status no user in scope can have, naming the setting', async () => {
    const { code, err } = await h.cli(['sync', '--once'], { OKTA_IN_SCOPE_STATUSES: 'ACTIVE,DEPROVISIONED' });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/OKTA_IN_SCOPE_STATUSES: must list Okta user statuses among STAGED, PROVISIONED, ACTIVE, RECOVERY, PASSWORD_EXPIRED, LOCKED_OUT, SUSPENDED/);
  });
});
