import { cryptoRandom, mulberry32, type Random } from './random';
import { createServiceApps, type ServiceApp, type ServiceAppInput, type ServiceApps } from './service-apps';
import { assignGroup, assignUser, createApp, unassignGroup, unassignUser } from './state-apps';
import { addMember, createGroup, deleteGroup, removeMember, renameGroup, type CreateGroupOptions } from './state-groups';
import { insertRawUser } from './state-raw';
import { createUser, deleteUser, setStatus, updateProfile, type CreateUserInput } from './state-users';
import { createStore, type StateContext } from './store';
import type {
  AppGroupRecord, AppRecord, AppUserRecord, GroupRecord, LogActorRecord, LogEventRecord, Profile, UserRecord, UserStatus,
} from './types';

export type { CreateUserInput } from './state-users';
export type { CreateGroupOptions } from './state-groups';

/**
 * The in-memory Okta org. Every mutation writes the System Log events Okta writes and moves
 * lastUpdated the way Okta does (profile, status and password changes; never memberships).
 * Records returned are live: read them, do not change them.
 */
export type OktaState = {
  createUser(input: CreateUserInput): UserRecord;
  /** TEST SWITCH: a user with none of Okta's profile checks (see state-raw.ts), for bad-data tests. */
  insertRawUser(input: CreateUserInput): UserRecord;
  updateProfile(id: string, partialProfile: Profile): UserRecord;
  setStatus(id: string, status: UserStatus): UserRecord;
  deleteUser(id: string): void;
  createGroup(name: string, description?: string, options?: CreateGroupOptions): GroupRecord;
  /** Removes its app assignments and memberships too; Everyone (BUILT_IN) is refused. */
  deleteGroup(id: string): void;
  renameGroup(id: string, name: string): void;
  addToGroup(groupId: string, userId: string): void;
  removeFromGroup(groupId: string, userId: string): void;
  createApp(input: { id?: string; label: string; name?: string }): AppRecord;
  assignUserToApp(appId: string, userId: string): AppUserRecord;
  unassignUserFromApp(appId: string, userId: string): void;
  assignGroupToApp(appId: string, groupId: string, priority?: number): AppGroupRecord;
  unassignGroupFromApp(appId: string, groupId: string): void;
  registerServiceApp(input: ServiceAppInput): ServiceApp;
  readonly serviceApps: ServiceApps;

  getUser(id: string): UserRecord | undefined;
  /** Case-insensitive, like Okta's login lookup. */
  findUserByLogin(login: string): UserRecord | undefined;
  /** All users (DEPROVISIONED included), ordered by id. */
  users(): UserRecord[];
  getGroup(id: string): GroupRecord | undefined;
  groupByName(name: string): GroupRecord | undefined;
  groups(): GroupRecord[];
  groupMembers(groupId: string): UserRecord[];
  userGroups(userId: string): GroupRecord[];
  getApp(id: string): AppRecord | undefined;
  apps(): AppRecord[];
  /** Effective app users (direct or through a group), ordered by user id. */
  appUsers(appId: string): AppUserRecord[];
  appUser(appId: string, userId: string): AppUserRecord | undefined;
  appGroups(appId: string): AppGroupRecord[];
  isDirectlyAssigned(appId: string, userId: string): boolean;
  /** The System Log in persistence order. */
  events(): readonly LogEventRecord[];

  now(): number;
  /** Replaces the clock (epoch ms); null restores the real one. */
  setClock(clock: (() => number) | null): void;
  /** Replaces the source of new ids and uuids; null restores the default. */
  setRandom(random: Random | null): void;
};

export type OktaStateOptions = { seed?: number };

export const SANDBOX_ADMIN: LogActorRecord = {
  id: '00usandboxadmin00001',
  type: 'User',
  alternateId: 'admin@example.com',
  displayName: 'Sandbox Admin',
};

const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function createOktaState(options: OktaStateOptions = {}): OktaState {
  const defaultRandom = options.seed === undefined ? cryptoRandom : mulberry32(options.seed);
  const ctx: StateContext = { store: createStore(), now: () => Date.now(), random: defaultRandom, actor: SANDBOX_ADMIN };
  const { store } = ctx;
  // Tokens and client assertions live in real time: the SDK signs them with the real clock.
  const serviceApps = createServiceApps(() => Date.now());
  const usersOf = (ids: Iterable<string>): UserRecord[] =>
    [...ids].map((id) => store.users.get(id)).filter((u): u is UserRecord => u !== undefined).sort(byId);
  // Sorting 100,000 app users costs ~0.3 s: a paged listing would pay it on every page.
  const sortedAppUsers = new Map<string, { version: number; list: AppUserRecord[] }>();
  const appUsersOf = (appId: string): AppUserRecord[] => {
    const cached = sortedAppUsers.get(appId);
    if (cached && cached.version === store.appUsersVersion) return cached.list.slice();
    const list = [...(store.appUsers.get(appId)?.values() ?? [])].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    sortedAppUsers.set(appId, { version: store.appUsersVersion, list });
    return list.slice();
  };

  return {
    createUser: (input) => createUser(ctx, input),
    insertRawUser: (input) => insertRawUser(ctx, input),
    updateProfile: (id, partial) => updateProfile(ctx, id, partial),
    setStatus: (id, status) => setStatus(ctx, id, status),
    deleteUser: (id) => deleteUser(ctx, id),
    createGroup: (name, description, opts) => createGroup(ctx, name, description, opts),
    deleteGroup: (id) => deleteGroup(ctx, id),
    renameGroup: (id, name) => renameGroup(ctx, id, name),
    addToGroup: (groupId, userId) => addMember(ctx, groupId, userId),
    removeFromGroup: (groupId, userId) => removeMember(ctx, groupId, userId),
    createApp: (input) => createApp(ctx, input),
    assignUserToApp: (appId, userId) => assignUser(ctx, appId, userId),
    unassignUserFromApp: (appId, userId) => unassignUser(ctx, appId, userId),
    assignGroupToApp: (appId, groupId, priority) => assignGroup(ctx, appId, groupId, priority),
    unassignGroupFromApp: (appId, groupId) => unassignGroup(ctx, appId, groupId),
    registerServiceApp: (input) => serviceApps.register(input),
    serviceApps,

    getUser: (id) => store.users.get(id),
    findUserByLogin(login) {
      const id = store.loginIndex.get(login.toLowerCase());
      return id === undefined ? undefined : store.users.get(id);
    },
    users: () => [...store.users.values()].sort(byId),
    getGroup: (id) => store.groups.get(id),
    groupByName: (name) => [...store.groups.values()].find((g) => g.name.toLowerCase() === name.toLowerCase()),
    groups: () => [...store.groups.values()].sort(byId),
    groupMembers: (groupId) => usersOf(store.groups.get(groupId)?.members ?? []),
    userGroups: (userId) =>
      [...(store.userGroups.get(userId) ?? [])]
        .map((id) => store.groups.get(id))
        .filter((g): g is GroupRecord => g !== undefined)
        .sort(byId),
    getApp: (id) => store.apps.get(id),
    apps: () => [...store.apps.values()].sort(byId),
    appUsers: appUsersOf,
    appUser: (appId, userId) => store.appUsers.get(appId)?.get(userId),
    appGroups: (appId) =>
      [...(store.appGroups.get(appId)?.values() ?? [])].sort((a, b) => a.priority - b.priority || a.groupId.localeCompare(b.groupId)),
    isDirectlyAssigned: (appId, userId) => store.directAssignments.get(appId)?.has(userId) ?? false,
    events: () => store.events,

    now: () => ctx.now(),
    setClock(clock) {
      ctx.now = clock ?? (() => Date.now());
    },
    setRandom(random) {
      ctx.random = random ?? defaultRandom;
    },
  };
}
