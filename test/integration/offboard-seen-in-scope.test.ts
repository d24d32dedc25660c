import { inScopeUsers } from '../../sandbox/okta/oracle';
import { startHarness, type Harness } from '../helpers/harness';
import { activeInScope, activeOf, deactivateCalls } from '../helpers/offboard';

/**
 * Off-boarding deactivates only the WFM users whose Okta user this deployment has seen in scope. A
 * WFM user linked to an Okta user it never saw there (another app's sync writing to the same WFM,
 * an earlier integration) is someone else's: counted as unmanaged, never deactivated.
 */
describe('off-boarding and WFM users linked by something else', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ users: 40, seed: 8 });
  });
  afterAll(() => h.close());

  it('leaves a user linked to an Okta user never in scope here active, counted as unmanaged; deactivates a leaver it saw', async () => {
    const inScope = new Set(inScopeUsers(h.okta.state, h.okta.appId).map((u) => u.id));
    const stranger = h.okta.state.users().find((u) => u.status === 'ACTIVE' && !inScope.has(u.id));
    if (!stranger) throw new Error('no Okta user outside the scope');
    // Another app's sync linked this person in the same WFM.
    const theirs = String(h.wfm.state.seedUser({ userName: stranger.profile.login, externalId: stranger.id, name: { givenName: 'Other', familyName: 'App' }, emails: [{ value: stranger.profile.login, type: 'work' }], active: true }).id);
    expect((await h.cli(['sync', '--once'])).code).toBe(0);
    const [leaver] = activeInScope(h) as [string];
    h.okta.state.setStatus(leaver, 'SUSPENDED');

    const { code, report } = await h.cli(['offboard', '--once', '--json']);
    expect(code).toBe(0);
    expect(report).toMatchObject({ applied: { deactivate: 1 }, failed: [], unmanaged: 1 });
    expect(activeOf(h, leaver)).toBe(false);
    expect(h.wfm.state.get(theirs)?.active).toBe(true);
    expect(deactivateCalls(h)).toBe(1);
  });
});
