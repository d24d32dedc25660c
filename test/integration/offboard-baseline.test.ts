/**
 * The pull-drop rule compares an off-boarding run's Okta pull with the last good one. A fall with
 * nobody active in the WFM to deactivate (a site closed: its agents deactivated by hand, then
 * unassigned in Okta) is taken as the new baseline; else every later leaver would trip the rule.
 */
import { startHarness, type Harness } from '../helpers/harness';
import { activeOf, unassign } from '../helpers/offboard';

describe('off-boarding after the in-scope count fell with nobody to deactivate', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ users: 0, seed: 1 });
  });
  afterAll(() => h.close());

  it('that count becomes the baseline: a single leaver later is off-boarded, not held by the pull-drop rule', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const u = h.okta.state.createUser({ profile: { login: `agent${i}@example.com`, email: `agent${i}@example.com`, firstName: 'A', lastName: `N${i}` } });
      h.okta.state.assignUserToApp(h.okta.appId, u.id);
      ids.push(u.id);
    }
    expect((await h.cli(['sync', '--once'])).code).toBe(0);
    // A site closes: the WFM admin deactivates its 3 agents by hand, and Okta unassigns them.
    for (const id of ids.slice(0, 3)) {
      h.wfm.state.setActive(String(h.wfm.state.all().find((u) => u.externalId === id)?.id), false);
      unassign(h, id);
    }
    const quiet = await h.cli(['offboard', '--once', '--json']);
    expect(quiet.code).toBe(0); // nothing to deactivate, no guard, no plan to approve
    expect((await h.cli(['sync', '--once'])).code).toBe(0);

    // Later, one of the 17 remaining agents leaves (5.9%, under every limit).
    h.okta.state.setStatus(ids[5] as string, 'SUSPENDED');
    const { code, report } = await h.cli(['offboard', '--once', '--json']);
    expect(report?.error).toBeUndefined();
    expect(code).toBe(0);
    expect(activeOf(h, ids[5] as string)).toBe(false);
  });
});
