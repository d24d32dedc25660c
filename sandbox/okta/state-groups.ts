import { notFound, validationFailed } from './errors';
import { groupTarget, recordEvent, userTarget, LEGACY_EVENT_TYPES } from './events';
import { oktaId } from './random';
import { reconcileMembership, unassignGroup } from './state-apps';
import { setFor, type StateContext } from './store';
import { wholeSecond } from './time';
import type { GroupRecord, GroupType } from './types';

export type CreateGroupOptions = { id?: string; type?: GroupType };

export function requireGroup(ctx: StateContext, id: string): GroupRecord {
  const group = ctx.store.groups.get(id);
  if (!group) throw notFound(id, 'UserGroup');
  return group;
}

export function createGroup(ctx: StateContext, name: string, description?: string, options: CreateGroupOptions = {}): GroupRecord {
  if (name.trim() === '') throw validationFailed('profile.name', 'The field cannot be left blank');
  const clash = [...ctx.store.groups.values()].find((g) => g.name.toLowerCase() === name.toLowerCase());
  if (clash) throw validationFailed('name', 'An object with this field already exists in the current organization');
  const id = options.id ?? oktaId('00g', ctx.random);
  const at = wholeSecond(ctx.now());
  const group: GroupRecord = {
    id,
    type: options.type ?? 'OKTA_GROUP',
    name,
    description: description ?? null,
    created: at,
    lastUpdated: at,
    lastMembershipUpdated: at,
    members: new Set(),
  };
  ctx.store.groups.set(id, group);
  recordEvent(ctx, { eventType: 'group.lifecycle.create', displayMessage: 'Create okta user group', target: [groupTarget(group)] });
  if (group.type === 'BUILT_IN') {
    for (const userId of ctx.store.users.keys()) addMember(ctx, id, userId, { silent: true });
  }
  return group;
}

/**
 * Deletes a group as Okta does: its app assignments go first (so the users who had the app only
 * through it lose it), then its memberships, silently; one group.lifecycle.delete event. Everyone
 * (BUILT_IN) cannot be deleted. Its id then answers 404 (E0000007) everywhere.
 */
export function deleteGroup(ctx: StateContext, id: string): void {
  const group = requireGroup(ctx, id);
  if (group.type === 'BUILT_IN') throw validationFailed('group', 'Cannot delete a BUILT_IN group');
  for (const [appId, groups] of ctx.store.appGroups) {
    if (groups.has(id)) unassignGroup(ctx, appId, id);
  }
  for (const userId of group.members) ctx.store.userGroups.get(userId)?.delete(id);
  group.members.clear();
  ctx.store.groups.delete(id);
  recordEvent(ctx, { eventType: 'group.lifecycle.delete', displayMessage: 'Delete Okta user group', target: [groupTarget(group)] });
}

/**
 * Renames a group as `PUT /api/v1/groups/{id}` with a new profile.name does: its id and members
 * stay, one group.profile.update event. Only OKTA_GROUP groups can be renamed; names stay unique.
 */
export function renameGroup(ctx: StateContext, id: string, name: string): void {
  const group = requireGroup(ctx, id);
  if (group.type !== 'OKTA_GROUP') throw validationFailed('group', `Cannot update a ${group.type} group`);
  if (name.trim() === '') throw validationFailed('profile.name', 'The field cannot be left blank');
  const clash = [...ctx.store.groups.values()].find((g) => g.id !== id && g.name.toLowerCase() === name.toLowerCase());
  if (clash) throw validationFailed('name', 'An object with this field already exists in the current organization');
  group.name = name;
  group.lastUpdated = wholeSecond(ctx.now());
  recordEvent(ctx, { eventType: 'group.profile.update', displayMessage: 'Update Okta user group profile', target: [groupTarget(group)] });
}

/** Adds a membership. Group and app membership changes never touch the user's lastUpdated. */
export function addMember(ctx: StateContext, groupId: string, userId: string, opts: { silent?: boolean } = {}): void {
  const group = requireGroup(ctx, groupId);
  const user = ctx.store.users.get(userId);
  if (!user) throw notFound(userId, 'User');
  if (group.members.has(userId)) return;
  group.members.add(userId);
  setFor(ctx.store.userGroups, userId).add(groupId);
  group.lastMembershipUpdated = wholeSecond(ctx.now());
  if (!opts.silent) {
    recordEvent(ctx, {
      eventType: 'group.user_membership.add',
      displayMessage: 'Add user to group membership',
      target: [userTarget(user), groupTarget(group)],
      legacyEventType: LEGACY_EVENT_TYPES['group.user_membership.add'],
    });
  }
  reconcileMembership(ctx, groupId, userId);
}

export function removeMember(ctx: StateContext, groupId: string, userId: string): void {
  const group = requireGroup(ctx, groupId);
  const user = ctx.store.users.get(userId);
  if (!user) throw notFound(userId, 'User');
  if (group.type === 'BUILT_IN') throw validationFailed('group', 'Cannot remove users from a BUILT_IN group');
  if (!group.members.has(userId)) return;
  group.members.delete(userId);
  ctx.store.userGroups.get(userId)?.delete(groupId);
  group.lastMembershipUpdated = wholeSecond(ctx.now());
  recordEvent(ctx, {
    eventType: 'group.user_membership.remove',
    displayMessage: 'Remove user from group membership',
    target: [userTarget(user), groupTarget(group)],
    legacyEventType: LEGACY_EVENT_TYPES['group.user_membership.remove'],
  });
  reconcileMembership(ctx, groupId, userId);
}
