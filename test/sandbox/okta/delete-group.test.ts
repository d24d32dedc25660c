import { Client, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { startOktaSandbox, type OktaSandbox } from '../../../sandbox/okta/server';
import { asObject, call } from './helpers';

describe('deleting a group in the sandbox Okta', () => {
  let sandbox: OktaSandbox;
  let client: Client;

  beforeAll(async () => {
    sandbox = await startOktaSandbox({ users: 40, seed: 21 });
    client = new Client({
      orgUrl: sandbox.url,
      token: sandbox.token,
      cacheMiddleware: null,
      requestExecutor: new DefaultRequestExecutor({ maxRetries: 0, requestTimeout: 10000 }),
    });
  });
  afterAll(() => sandbox.close());

  it('removes the group, its memberships and its app assignment; its id then answers 404 E0000007, to the SDK too', async () => {
    const { state } = sandbox;
    const group = state.createGroup('Weekend Shift');
    const unassigned = state.users().filter((u) => u.status === 'ACTIVE' && state.appUser(sandbox.appId, u.id) === undefined);
    const [member] = unassigned;
    if (!member) throw new Error('no unassigned user');
    state.addToGroup(group.id, member.id);
    state.assignGroupToApp(sandbox.appId, group.id);
    expect(state.appUser(sandbox.appId, member.id)?.scope).toBe('GROUP');

    expect((await call(sandbox, `/_sandbox/groups/${group.id}`, { method: 'DELETE' })).status).toBe(204);

    expect(state.getGroup(group.id)).toBeUndefined();
    expect(state.userGroups(member.id).map((g) => g.id)).not.toContain(group.id);
    expect(state.appUser(sandbox.appId, member.id)).toBeUndefined();
    expect(state.appGroups(sandbox.appId).map((g) => g.groupId)).not.toContain(group.id);
    expect(state.events().filter((e) => e.target.some((t) => t.id === group.id)).map((e) => e.eventType)).toContain('group.lifecycle.delete');

    const members = await call(sandbox, `/api/v1/groups/${group.id}/users`);
    expect(members.status).toBe(404);
    expect(asObject(members.body)).toMatchObject({ errorCode: 'E0000007', errorSummary: `Not found: Resource not found: ${group.id} (UserGroup)` });
    // The call the source makes for a group's members, as it makes it.
    const listing = await client.groupApi.listGroupUsers({ groupId: group.id, limit: 1000 });
    await expect(listing.next()).rejects.toMatchObject({ status: 404, errorCode: 'E0000007' });

    // The same name can be taken again, under a new id.
    expect(state.createGroup('Weekend Shift').id).not.toBe(group.id);
    expect((await call(sandbox, `/_sandbox/groups/${group.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('renames a group in place: same id and members, one group.profile.update event, the new name listed; a taken name or Everyone refused', async () => {
    const { state } = sandbox;
    const group = state.createGroup('Night Shift');
    const [member] = state.users().filter((u) => u.status === 'ACTIVE');
    if (!member) throw new Error('no user');
    state.addToGroup(group.id, member.id);
    state.renameGroup(group.id, 'Late Shift');
    expect(state.getGroup(group.id)).toMatchObject({ name: 'Late Shift' });
    expect(state.groupByName('Night Shift')).toBeUndefined();
    expect(state.userGroups(member.id).map((g) => g.id)).toContain(group.id);
    expect(state.events().filter((e) => e.target.some((t) => t.id === group.id)).map((e) => e.eventType).slice(-1)).toEqual(['group.profile.update']);
    const found = await call(sandbox, `/api/v1/groups?q=${encodeURIComponent('Late Shift')}`);
    expect((found.body as { id: string }[]).map((g) => g.id)).toEqual([group.id]);
    state.createGroup('Early Shift');
    expect(() => state.renameGroup(group.id, 'early shift')).toThrow(/already exists/);
    const everyone = state.groups().find((g) => g.type === 'BUILT_IN');
    expect(() => state.renameGroup(everyone?.id ?? '', 'All')).toThrow(/Cannot update a BUILT_IN group/);
  });

  it('refuses to delete Everyone', async () => {
    const everyone = sandbox.state.groups().find((g) => g.type === 'BUILT_IN');
    if (!everyone) throw new Error('no Everyone group');
    expect((await call(sandbox, `/_sandbox/groups/${everyone.id}`, { method: 'DELETE' })).status).toBe(400);
    expect(sandbox.state.getGroup(everyone.id)).toBeDefined();
  });
});
