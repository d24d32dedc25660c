import { generateOrg, summarizeOrg } from '../../../sandbox/okta/generator';
import { createOktaState, type OktaState } from '../../../sandbox/okta/state';
import { IN_SCOPE_STATUSES, type UserStatus } from '../../../sandbox/okta/types';

const APP = '0oawfmapp0000000001';
const SUPERVISORS = 'WFM Supervisors';
const CONTACT_CENTER = ['Customer Care', 'Billing Support', 'Sales', 'Retention', 'Technical Support'];

function generated(users: number, seed: number): OktaState {
  const state = createOktaState();
  generateOrg(state, { users, seed, appId: APP, supervisorGroup: SUPERVISORS });
  return state;
}

/** Everything a client could observe, as plain data. */
function snapshot(state: OktaState): unknown {
  return {
    users: state.users(),
    groups: state.groups().map((g) => ({ ...g, members: [...g.members].sort() })),
    appUsers: state.appUsers(APP),
    appGroups: state.appGroups(APP),
    events: state.events().map((e) => ({ ...e })),
  };
}

describe('generateOrg', () => {
  const state = generated(1000, 42);
  const users = state.users();

  test('same users and seed give identical ids, logins and data; another seed does not', () => {
    expect(JSON.stringify(snapshot(generated(1000, 42)))).toBe(JSON.stringify(snapshot(state)));
    const other = generated(1000, 43).users();
    expect(other.map((u) => u.id)).not.toEqual(users.map((u) => u.id));
  });

  test('ids look like Okta ids; logins are unique, lower-case and equal to email', () => {
    expect(users).toHaveLength(1000);
    for (const u of users) {
      expect(u.id).toMatch(/^00u[0-9A-Za-z]{17}$/);
      expect(u.profile.login).toMatch(/^[a-z0-9]+\.[a-z0-9]+(\d+)?@example\.com$/);
      expect(u.profile.email).toBe(u.profile.login);
      expect(typeof u.profile.employeeNumber).toBe('string');
    }
    for (const g of state.groups()) expect(g.id).toMatch(/^00g[0-9A-Za-z]{17}$/);
    expect(new Set(users.map((u) => String(u.profile.login))).size).toBe(1000);
    expect(new Set(users.map((u) => String(u.profile.employeeNumber))).size).toBe(1000);
    expect(users.some((u) => /\d@/.test(String(u.profile.login)))).toBe(true);
  });

  test('contact-center attributes, some optional ones left out', () => {
    const agents = users.filter((u) => state.appUser(APP, u.id));
    expect(agents.every((u) => CONTACT_CENTER.includes(String(u.profile.department)))).toBe(true);
    for (const key of ['title', 'timezone']) {
      const withIt = users.filter((u) => u.profile[key] !== undefined).length;
      expect(withIt).toBeGreaterThan(500);
      expect(withIt).toBeLessThan(1000);
    }
    expect(users.filter((u) => u.profile.mobilePhone === null).length).toBeGreaterThan(100);
  });

  test('the groups and the assignment mix', () => {
    expect(state.groups().map((g) => g.name).sort()).toEqual(['Engineering', 'Everyone', 'WFM Agents', SUPERVISORS]);
    expect(state.groupByName('Everyone')?.members.size).toBe(1000);
    expect(state.appGroups(APP).map((a) => state.getGroup(a.groupId)?.name)).toEqual(['WFM Agents', SUPERVISORS]);
    const appUsers = state.appUsers(APP);
    const direct = appUsers.filter((a) => a.scope === 'USER').length;
    const viaGroup = appUsers.filter((a) => a.scope === 'GROUP').length;
    expect(direct).toBeGreaterThan(350);
    expect(viaGroup).toBeGreaterThan(350);
    const supervisors = state.groupByName(SUPERVISORS)?.members.size ?? 0;
    expect(supervisors).toBeGreaterThanOrEqual(70);
    expect(supervisors).toBeLessThanOrEqual(90);
    const neverAssigned = users.filter((u) => !CONTACT_CENTER.includes(String(u.profile.department)));
    expect(neverAssigned.every((u) => !state.appUser(APP, u.id))).toBe(true);
    expect(neverAssigned.length).toBeGreaterThanOrEqual(70);
    expect(neverAssigned.length).toBeLessThanOrEqual(90);
    // Some users are assigned both ways and still appear once, as USER.
    const both = appUsers.filter((a) => a.scope === 'USER' && state.userGroups(a.userId).some((g) => g.name === 'WFM Agents'));
    expect(both.length).toBeGreaterThan(10);
  });

  test('statuses: a few of each, and DEPROVISIONED users hold no app assignment', () => {
    const count = (s: UserStatus): number => users.filter((u) => u.status === s).length;
    expect(count('STAGED')).toBe(2);
    for (const s of ['SUSPENDED', 'DEPROVISIONED'] as const) expect(count(s)).toBeGreaterThanOrEqual(20);
    for (const s of ['PROVISIONED', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'RECOVERY'] as const) expect(count(s)).toBeGreaterThanOrEqual(5);
    expect(count('ACTIVE')).toBeGreaterThan(800);
    for (const u of users.filter((x) => x.status === 'DEPROVISIONED')) expect(state.appUser(APP, u.id)).toBeUndefined();
    expect(users.filter((u) => u.status === 'SUSPENDED' && state.appUser(APP, u.id)).length).toBeGreaterThanOrEqual(20);
  });

  test('the oracle follows the state, not the generator', () => {
    const org = generated(200, 5);
    const before = summarizeOrg(org, { appId: APP, supervisorGroup: SUPERVISORS });
    const expected = org.appUsers(APP)
      .filter((a) => IN_SCOPE_STATUSES.includes(org.getUser(a.userId)?.status ?? 'DEPROVISIONED'))
      .map((a) => a.userId);
    expect(before.inScopeIds).toEqual(expected);
    expect(before.supervisorIds.length).toBeGreaterThan(5);
    expect(before.supervisorIds.every((id) => org.groupByName(SUPERVISORS)?.members.has(id))).toBe(true);
    expect(before.totalUsers).toBe(200);

    const leaving = before.inScopeIds[0] ?? '';
    org.setStatus(leaving, 'SUSPENDED');
    const outsider = org.users().find((u) => u.status === 'ACTIVE' && !org.appUser(APP, u.id));
    if (!outsider) throw new Error('no unassigned active user');
    org.assignUserToApp(APP, outsider.id);
    const after = summarizeOrg(org, { appId: APP, supervisorGroup: SUPERVISORS });
    expect(after.inScopeIds).not.toContain(leaving);
    expect(after.inScopeIds).toContain(outsider.id);
    expect(after.inScope.find((u) => u.id === outsider.id)).toMatchObject({ scope: 'USER', status: 'ACTIVE', supervisor: false });
    expect(after.byStatus.SUSPENDED).toBe(before.byStatus.SUSPENDED + 1);
  });

  test('zero users still builds the groups and the app assignment', () => {
    const empty = generated(0, 1);
    expect(empty.users()).toHaveLength(0);
    expect(empty.appGroups(APP)).toHaveLength(2);
  });
});
