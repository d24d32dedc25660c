import { appTarget, appUserTarget, groupTarget, recordEvent, userTarget, LEGACY_EVENT_TYPES } from './events';
import { notFound, validationFailed } from './errors';
import { oktaId, base62 } from './random';
import { mapFor, setFor, type StateContext } from './store';
import { wholeSecond } from './time';
import type { AppGroupRecord, AppRecord, AppUserRecord, AppUserScope } from './types';

export function requireApp(ctx: StateContext, appId: string): AppRecord {
  const app = ctx.store.apps.get(appId);
  if (!app) throw notFound(appId, 'AppInstance');
  return app;
}

export function createApp(ctx: StateContext, input: { id?: string; label: string; name?: string }): AppRecord {
  const id = input.id ?? oktaId('0oa', ctx.random);
  const existing = ctx.store.apps.get(id);
  if (existing) return existing;
  const at = wholeSecond(ctx.now());
  const app: AppRecord = { id, label: input.label, name: input.name ?? 'wfm_connector', created: at, lastUpdated: at };
  ctx.store.apps.set(id, app);
  return app;
}

type Desired = { scope: AppUserScope; groupId: string | null } | null;

/** What Okta would show for this user in this app: direct wins over group; DEPROVISIONED users have none. */
function desiredAssignment(ctx: StateContext, appId: string, userId: string): Desired {
  const user = ctx.store.users.get(userId);
  if (!user || user.status === 'DEPROVISIONED') return null;
  if (ctx.store.directAssignments.get(appId)?.has(userId)) return { scope: 'USER', groupId: null };
  const assigned = ctx.store.appGroups.get(appId);
  if (!assigned) return null;
  const granting = [...(ctx.store.userGroups.get(userId) ?? [])]
    .map((groupId) => assigned.get(groupId))
    .filter((record): record is AppGroupRecord => record !== undefined)
    .sort((a, b) => a.priority - b.priority || a.groupId.localeCompare(b.groupId));
  const first = granting[0];
  return first ? { scope: 'GROUP', groupId: first.groupId } : null;
}

/** Brings one effective app user in line with the assignments, writing the System Log events Okta writes. */
export function reconcileAppUser(ctx: StateContext, appId: string, userId: string): void {
  const app = requireApp(ctx, appId);
  const user = ctx.store.users.get(userId);
  const appUsers = mapFor(ctx.store.appUsers, appId);
  const current = appUsers.get(userId);
  const desired = desiredAssignment(ctx, appId, userId);
  const at = wholeSecond(ctx.now());
  if (!desired) {
    if (!current) return;
    appUsers.delete(userId);
    ctx.store.appUsersVersion += 1;
    if (user) {
      recordEvent(ctx, {
        eventType: 'application.user_membership.remove',
        displayMessage: 'Remove user from application membership',
        target: [appUserTarget(current, user), appTarget(app), userTarget(user)],
        legacyEventType: LEGACY_EVENT_TYPES['application.user_membership.remove'],
      });
    }
    return;
  }
  if (!user) return;
  if (!current) {
    const record: AppUserRecord = {
      userId,
      appUserId: oktaId('0ua', ctx.random),
      scope: desired.scope,
      groupId: desired.groupId,
      created: at,
      lastUpdated: at,
      statusChanged: at,
      externalId: base62(ctx.random, 20),
    };
    appUsers.set(userId, record);
    ctx.store.appUsersVersion += 1;
    recordEvent(ctx, {
      eventType: 'application.user_membership.add',
      displayMessage: 'Add user to application membership',
      target: [appUserTarget(record, user), appTarget(app), userTarget(user)],
      legacyEventType: LEGACY_EVENT_TYPES['application.user_membership.add'],
    });
    return;
  }
  if (current.scope !== desired.scope || current.groupId !== desired.groupId) {
    current.scope = desired.scope;
    current.groupId = desired.groupId;
    current.lastUpdated = at;
  }
}

/** Re-evaluates every app for one user (after a status change). */
export function reconcileUserEverywhere(ctx: StateContext, userId: string): void {
  for (const appId of ctx.store.apps.keys()) reconcileAppUser(ctx, appId, userId);
}

/** Re-evaluates every app that the group is assigned to, for one member (after a membership change). */
export function reconcileMembership(ctx: StateContext, groupId: string, userId: string): void {
  for (const [appId, groups] of ctx.store.appGroups) {
    if (groups.has(groupId)) reconcileAppUser(ctx, appId, userId);
  }
}

export function assignUser(ctx: StateContext, appId: string, userId: string): AppUserRecord {
  requireApp(ctx, appId);
  const user = ctx.store.users.get(userId);
  if (!user) throw notFound(userId, 'User');
  if (user.status === 'DEPROVISIONED') throw validationFailed('user', 'A deactivated user cannot be assigned to an app');
  setFor(ctx.store.directAssignments, appId).add(userId);
  reconcileAppUser(ctx, appId, userId);
  const record = ctx.store.appUsers.get(appId)?.get(userId);
  if (!record) throw new Error(`assignment of ${userId} to ${appId} did not take`);
  return record;
}

export function unassignUser(ctx: StateContext, appId: string, userId: string): void {
  requireApp(ctx, appId);
  if (!ctx.store.users.has(userId)) throw notFound(userId, 'User');
  const direct = ctx.store.directAssignments.get(appId);
  if (!direct?.has(userId)) throw notFound(userId, 'AppUser');
  direct.delete(userId);
  reconcileAppUser(ctx, appId, userId);
}

export function assignGroup(ctx: StateContext, appId: string, groupId: string, priority?: number): AppGroupRecord {
  const app = requireApp(ctx, appId);
  const group = ctx.store.groups.get(groupId);
  if (!group) throw notFound(groupId, 'UserGroup');
  const groups = mapFor(ctx.store.appGroups, appId);
  const existing = groups.get(groupId);
  if (existing) return existing;
  const at = wholeSecond(ctx.now());
  const record: AppGroupRecord = { groupId, priority: priority ?? groups.size, created: at, lastUpdated: at };
  groups.set(groupId, record);
  recordEvent(ctx, {
    eventType: 'group.application_assignment.add',
    displayMessage: 'Add assigned application to group',
    target: [groupTarget(group), appTarget(app)],
  });
  for (const userId of group.members) reconcileAppUser(ctx, appId, userId);
  return record;
}

export function unassignGroup(ctx: StateContext, appId: string, groupId: string): void {
  const app = requireApp(ctx, appId);
  const group = ctx.store.groups.get(groupId);
  const groups = ctx.store.appGroups.get(appId);
  if (!group || !groups?.has(groupId)) throw notFound(groupId, 'ApplicationGroupAssignment');
  groups.delete(groupId);
  recordEvent(ctx, {
    eventType: 'group.application_assignment.remove',
    displayMessage: 'Remove assigned application from group',
    target: [groupTarget(group), appTarget(app)],
  });
  for (const userId of group.members) reconcileAppUser(ctx, appId, userId);
}
