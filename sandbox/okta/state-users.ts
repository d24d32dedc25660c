import { notFound, validationFailed } from './errors';
import { recordEvent, userTarget, LEGACY_EVENT_TYPES } from './events';
import { lifecyclePath } from './lifecycle';
import { oktaId } from './random';
import { reconcileUserEverywhere } from './state-apps';
import { addMember } from './state-groups';
import { loginOf, type StateContext } from './store';
import { wholeSecond } from './time';
import type { Profile, UserRecord, UserStatus } from './types';

export type CreateUserInput = { profile: Profile; status?: UserStatus; id?: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const REQUIRED = ['login', 'email', 'firstName', 'lastName'] as const;

export function requireUser(ctx: StateContext, id: string): UserRecord {
  const user = ctx.store.users.get(id);
  if (!user) throw notFound(id, 'User');
  return user;
}

function checkProfile(ctx: StateContext, profile: Profile, selfId: string | null): void {
  for (const key of REQUIRED) {
    const value = profile[key];
    if (typeof value !== 'string' || value.trim() === '') throw validationFailed(`profile.${key}`, 'The field cannot be left blank');
  }
  const login = String(profile.login);
  if (login.length < 5 || login.length > 100) throw validationFailed('profile.login', 'Username must be between 5 and 100 characters');
  if (!EMAIL.test(String(profile.email))) throw validationFailed('profile.email', 'Does not match required pattern');
  const owner = ctx.store.loginIndex.get(login.toLowerCase());
  if (owner !== undefined && owner !== selfId) {
    throw validationFailed('login', 'An object with this field already exists in the current organization');
  }
}

function everyoneGroups(ctx: StateContext): string[] {
  return [...ctx.store.groups.values()].filter((g) => g.type === 'BUILT_IN').map((g) => g.id);
}

export function createUser(ctx: StateContext, input: CreateUserInput): UserRecord {
  const profile: Profile = { ...input.profile };
  if (typeof profile.login === 'string') profile.login = profile.login.trim();
  checkProfile(ctx, profile, null);
  const id = input.id ?? oktaId('00u', ctx.random);
  if (ctx.store.users.has(id)) throw validationFailed('id', 'An object with this field already exists');
  const target = input.status ?? 'ACTIVE';
  const steps = lifecyclePath('STAGED', target);
  if (!steps) throw validationFailed('status', `Cannot create a user in status ${target}`);
  const at = wholeSecond(ctx.now());
  const user: UserRecord = {
    id,
    status: 'STAGED',
    created: at,
    activated: null,
    statusChanged: null,
    lastLogin: null,
    lastUpdated: at,
    passwordChanged: null,
    profileUpdated: at,
    typeId: 'otysandboxdefault0g4',
    profile,
  };
  ctx.store.users.set(id, user);
  ctx.store.loginIndex.set(loginOf(user).toLowerCase(), id);
  recordEvent(ctx, {
    eventType: 'user.lifecycle.create',
    displayMessage: 'Create Okta user',
    target: [userTarget(user)],
    legacyEventType: LEGACY_EVENT_TYPES['user.lifecycle.create'],
  });
  // Okta's Everyone group holds every user, with no membership event.
  for (const groupId of everyoneGroups(ctx)) addMember(ctx, groupId, id, { silent: true });
  setStatus(ctx, id, target);
  return user;
}

export function updateProfile(ctx: StateContext, id: string, partial: Profile): UserRecord {
  const user = requireUser(ctx, id);
  const next: Profile = { ...user.profile, ...partial };
  checkProfile(ctx, next, id);
  const oldLogin = loginOf(user).toLowerCase();
  const changed = Object.keys(partial).filter((key) => JSON.stringify(user.profile[key]) !== JSON.stringify(partial[key]));
  user.profile = next;
  const at = wholeSecond(ctx.now());
  user.lastUpdated = at;
  user.profileUpdated = at;
  const newLogin = loginOf(user).toLowerCase();
  if (newLogin !== oldLogin) {
    ctx.store.loginIndex.delete(oldLogin);
    ctx.store.loginIndex.set(newLogin, id);
  }
  recordEvent(ctx, {
    eventType: 'user.account.update_profile',
    displayMessage: 'Update user profile for Okta',
    target: [userTarget(user)],
    legacyEventType: LEGACY_EVENT_TYPES['user.account.update_profile'],
    debugData: { changedAttributes: changed.join(',') },
  });
  return user;
}

/** Moves a user through Okta's lifecycle operations, one System Log event per operation. */
export function setStatus(ctx: StateContext, id: string, status: UserStatus): UserRecord {
  const user = requireUser(ctx, id);
  const steps = lifecyclePath(user.status, status);
  if (!steps) throw validationFailed('status', `Okta cannot move a ${user.status} user to ${status}`);
  for (const step of steps) {
    const from = user.status;
    const at = wholeSecond(ctx.now());
    user.status = step.to;
    user.statusChanged = at;
    user.lastUpdated = at;
    if (step.to === 'ACTIVE' && from !== 'SUSPENDED' && from !== 'LOCKED_OUT') user.passwordChanged = at;
    if (step.eventType === 'user.lifecycle.activate' || step.eventType === 'user.lifecycle.reactivate') user.activated = at;
    if (step.to === 'DEPROVISIONED') {
      // Deactivation removes direct app assignments for good; group-based ones stop applying.
      for (const direct of ctx.store.directAssignments.values()) direct.delete(id);
    }
    recordEvent(ctx, {
      eventType: step.eventType,
      displayMessage: step.displayMessage,
      target: [userTarget(user)],
      legacyEventType: LEGACY_EVENT_TYPES[step.eventType],
    });
    if (step.to === 'DEPROVISIONED' || from === 'DEPROVISIONED') reconcileUserEverywhere(ctx, id);
  }
  return user;
}

/** Okta deletes only DEPROVISIONED users; the memberships go with them. */
export function deleteUser(ctx: StateContext, id: string): void {
  const user = requireUser(ctx, id);
  if (user.status !== 'DEPROVISIONED') throw validationFailed('status', 'Only a DEPROVISIONED user can be deleted; deactivate it first');
  const target = [userTarget(user)];
  recordEvent(ctx, { eventType: 'user.lifecycle.delete.initiated', displayMessage: 'Delete Okta user', target });
  for (const groupId of ctx.store.userGroups.get(id) ?? []) {
    const group = ctx.store.groups.get(groupId);
    if (group) {
      group.members.delete(id);
      group.lastMembershipUpdated = wholeSecond(ctx.now());
    }
  }
  ctx.store.userGroups.delete(id);
  for (const direct of ctx.store.directAssignments.values()) direct.delete(id);
  for (const appUsers of ctx.store.appUsers.values()) appUsers.delete(id);
  ctx.store.appUsersVersion += 1;
  ctx.store.users.delete(id);
  ctx.store.loginIndex.delete(loginOf(user).toLowerCase());
  recordEvent(ctx, { eventType: 'user.lifecycle.delete.completed', displayMessage: 'Delete Okta user completed', target });
}
