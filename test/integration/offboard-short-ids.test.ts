import { startHarness, type Harness } from '../helpers/harness';
import { activeOf, deactivateCalls } from '../helpers/offboard';

/**
 * The Management API types a user id as a string: a service serving it may use short ids that no
 * form tells apart from an HR number. Ids this deployment saw in scope link their WFM users all the
 * same, so a leaver with such an id is off-boarded, deleted in Okta too; other values stay unmanaged.
 */
describe('off-boarding users whose Okta ids are short', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ users: 20, seed: 12 });
  });
  afterAll(() => h.close());

  it('deactivates a short-id leaver deleted in Okta and one suspended, once seen in scope', async () => {
    const person = (n: number) => ({ login: `short${n}@example.com`, email: `short${n}@example.com`, firstName: 'Short', lastName: `Id${n}` });
    for (const n of [1, 2, 3]) {
      h.okta.state.createUser({ id: `u100${n}`, profile: person(n) });
      h.okta.state.assignUserToApp(h.okta.appId, `u100${n}`);
    }
    // Linked by something else, with a value no Okta user here has: unmanaged.
    const hr = String(h.wfm.state.seedUser({ userName: 'hr.only@example.com', externalId: 'EMP-4711', name: { givenName: 'Hr', familyName: 'Only' }, emails: [{ value: 'hr.only@example.com', type: 'work' }], active: true }).id);
    const sync = await h.cli(['sync', '--once', '--json']);
    expect(sync.code).toBe(0);
    expect(['u1001', 'u1002', 'u1003'].map((id) => activeOf(h, id))).toEqual([true, true, true]);
    h.okta.state.setStatus('u1001', 'DEPROVISIONED');
    h.okta.state.deleteUser('u1001');
    h.okta.state.setStatus('u1002', 'SUSPENDED');

    const { code, report } = await h.cli(['offboard', '--once', '--json'], { DEACTIVATION_MAX_PERCENT: '50' });
    expect(code).toBe(0);
    expect(report).toMatchObject({ applied: { deactivate: 2 }, failed: [], unmanaged: 1 });
    expect(h.wfm.state.get(hr)?.active).toBe(true);
    expect(['u1001', 'u1002', 'u1003'].map((id) => activeOf(h, id))).toEqual([false, false, true]);
    expect(deactivateCalls(h)).toBe(1);
  });
});
