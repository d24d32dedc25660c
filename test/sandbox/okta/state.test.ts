import { lifecyclePath } from '../../../sandbox/okta/lifecycle';
import { createOktaState, type OktaState } from '../../../sandbox/okta/state';
import type { LogEventRecord } from '../../../sandbox/okta/types';

const APP = '0oaapp';
const T0 = Date.UTC(2025, 4, 6, 7, 8, 9);

function setup(): { state: OktaState; advance: (seconds: number) => number; agents: string; eventsSince: (n: number) => LogEventRecord[] } {
  const state = createOktaState({ seed: 9 });
  let clock = T0;
  state.setClock(() => clock);
  state.createApp({ id: APP, label: 'WFM' });
  const agents = state.createGroup('WFM Agents').id;
  state.assignGroupToApp(APP, agents);
  return {
    state,
    advance: (seconds) => (clock += seconds * 1000),
    agents,
    eventsSince: (n) => state.events().slice(n),
  };
}

const profile = (name: string): Record<string, unknown> => ({
  firstName: name, lastName: 'Tester', login: `${name.toLowerCase()}.tester@example.com`, email: `${name.toLowerCase()}.tester@example.com`,
});

describe('OktaState lifecycle semantics', () => {
  test('create writes create + activate; duplicate logins (any case) are refused', () => {
    const { state } = setup();
    const before = state.events().length;
    const user = state.createUser({ profile: profile('Ana') });
    expect(user).toMatchObject({ status: 'ACTIVE', created: T0, lastUpdated: T0, activated: T0 });
    expect(state.events().slice(before).map((e) => e.eventType)).toEqual(['user.lifecycle.create', 'user.lifecycle.activate']);
    expect(() => state.createUser({ profile: { ...profile('Ana'), login: 'ANA.tester@example.com' } })).toThrow(/already exists/);
    expect(state.findUserByLogin('Ana.Tester@Example.com')?.id).toBe(user.id);
  });

  test('group and app membership changes write events but never move lastUpdated', () => {
    const { state, advance, agents, eventsSince } = setup();
    const user = state.createUser({ profile: profile('Bo') });
    const mark = state.events().length;
    advance(30);
    state.addToGroup(agents, user.id);
    advance(30);
    const other = state.createGroup('Night Shift');
    state.addToGroup(other.id, user.id);
    state.removeFromGroup(other.id, user.id);
    state.assignUserToApp(APP, user.id);
    expect(user.lastUpdated).toBe(T0);
    expect(state.getGroup(agents)?.lastMembershipUpdated).toBe(T0 + 30_000);
    const events = eventsSince(mark);
    expect(events.map((e) => e.eventType)).toEqual([
      'group.user_membership.add', 'application.user_membership.add', 'group.lifecycle.create',
      'group.user_membership.add', 'group.user_membership.remove',
    ]);
    const add = events[0];
    expect(add?.target).toEqual([
      { id: user.id, type: 'User', alternateId: 'bo.tester@example.com', displayName: 'Bo Tester' },
      { id: agents, type: 'UserGroup', alternateId: 'unknown', displayName: 'WFM Agents' },
    ]);
    const appAdd = events[1];
    expect(appAdd?.target.map((t) => t.type)).toEqual(['AppUser', 'AppInstance', 'User']);
    expect(appAdd?.target[0]?.id).toMatch(/^0ua/);
    // Assigned both ways: one app user, scope USER; dropping the direct one falls back to GROUP quietly.
    expect(state.appUsers(APP).map((a) => [a.userId, a.scope])).toEqual([[user.id, 'USER']]);
    const quiet = state.events().length;
    state.unassignUserFromApp(APP, user.id);
    expect(state.appUser(APP, user.id)).toMatchObject({ scope: 'GROUP', groupId: agents });
    expect(state.events().length).toBe(quiet);
  });

  test('profile and status changes move lastUpdated and write their events', () => {
    const { state, advance } = setup();
    const user = state.createUser({ profile: profile('Cy') });
    advance(61);
    const mark = state.events().length;
    state.updateProfile(user.id, { title: 'Team Lead', firstName: 'Cyrus' });
    expect(user.lastUpdated).toBe(T0 + 61_000);
    const update = state.events()[mark];
    expect(update).toMatchObject({ eventType: 'user.account.update_profile', debugData: { changedAttributes: 'title,firstName' } });
    expect(update?.target[0]?.displayName).toBe('Cyrus Tester');
    advance(5);
    state.setStatus(user.id, 'LOCKED_OUT');
    expect(user).toMatchObject({ status: 'LOCKED_OUT', lastUpdated: T0 + 66_000, statusChanged: T0 + 66_000 });
    state.setStatus(user.id, 'SUSPENDED');
    expect(state.events().slice(mark + 1).map((e) => e.eventType)).toEqual(['user.account.lock', 'user.account.unlock', 'user.lifecycle.suspend']);
  });

  test('SUSPENDED keeps assignments; DEPROVISIONED drops direct ones, hides group ones, keeps memberships', () => {
    const { state, advance, agents } = setup();
    const direct = state.createUser({ profile: profile('Di') });
    const grouped = state.createUser({ profile: profile('Ed') });
    state.assignUserToApp(APP, direct.id);
    state.addToGroup(agents, grouped.id);
    state.setStatus(direct.id, 'SUSPENDED');
    expect(state.appUser(APP, direct.id)?.scope).toBe('USER');
    advance(10);
    const mark = state.events().length;
    state.setStatus(direct.id, 'DEPROVISIONED');
    state.setStatus(grouped.id, 'DEPROVISIONED');
    expect(state.events().slice(mark).map((e) => e.eventType)).toEqual([
      'user.lifecycle.deactivate', 'application.user_membership.remove', 'user.lifecycle.deactivate', 'application.user_membership.remove',
    ]);
    expect(state.appUsers(APP)).toEqual([]);
    expect(state.isDirectlyAssigned(APP, direct.id)).toBe(false);
    expect(state.getGroup(agents)?.members.has(grouped.id)).toBe(true);
    // Reactivated: the group assignment applies again, the direct one is gone for good.
    state.setStatus(direct.id, 'ACTIVE');
    state.setStatus(grouped.id, 'ACTIVE');
    expect(state.appUsers(APP).map((a) => [a.userId, a.scope])).toEqual([[grouped.id, 'GROUP']]);
    expect(() => state.assignUserToApp(APP, 'nobody')).toThrow(/Not found/);
  });

  test('only a DEPROVISIONED user can be deleted; nothing goes back to STAGED', () => {
    const { state, agents } = setup();
    const user = state.createUser({ profile: profile('Flo') });
    state.addToGroup(agents, user.id);
    expect(() => state.deleteUser(user.id)).toThrow(/DEPROVISIONED/);
    expect(() => state.setStatus(user.id, 'STAGED')).toThrow(/cannot move/);
    state.setStatus(user.id, 'DEPROVISIONED');
    state.deleteUser(user.id);
    expect(state.getUser(user.id)).toBeUndefined();
    expect(state.findUserByLogin('flo.tester@example.com')).toBeUndefined();
    expect(state.getGroup(agents)?.members.has(user.id)).toBe(false);
    expect(state.events().slice(-2).map((e) => e.eventType)).toEqual(['user.lifecycle.delete.initiated', 'user.lifecycle.delete.completed']);
  });

  test('lifecycle paths go through Okta operations', () => {
    expect(lifecyclePath('SUSPENDED', 'LOCKED_OUT')?.map((s) => s.eventType)).toEqual(['user.lifecycle.unsuspend', 'user.account.lock']);
    expect(lifecyclePath('STAGED', 'PROVISIONED')?.map((s) => s.eventType)).toEqual(['user.lifecycle.activate']);
    expect(lifecyclePath('DEPROVISIONED', 'ACTIVE')?.map((s) => s.eventType)).toEqual(['user.lifecycle.activate']);
    expect(lifecyclePath('ACTIVE', 'STAGED')).toBeUndefined();
  });
});
