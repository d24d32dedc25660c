import type { Random } from './random';
import type {
  AppGroupRecord, AppRecord, AppUserRecord, GroupRecord, LogActorRecord, LogEventRecord, UserRecord,
} from './types';

/** The raw tables. Only the state-*.ts mutation helpers write them. */
export type Store = {
  users: Map<string, UserRecord>;
  /** Lower-cased login to user id: logins are unique regardless of case. */
  loginIndex: Map<string, string>;
  groups: Map<string, GroupRecord>;
  /** User id to the ids of the groups it belongs to. */
  userGroups: Map<string, Set<string>>;
  apps: Map<string, AppRecord>;
  /** App id to the users assigned to it directly (scope USER). */
  directAssignments: Map<string, Set<string>>;
  /** App id to its group assignments. */
  appGroups: Map<string, Map<string, AppGroupRecord>>;
  /** App id to its effective app users (direct or through a group), kept up to date by reconcile. */
  appUsers: Map<string, Map<string, AppUserRecord>>;
  /** Raised whenever an app user is added or removed: the sorted listing is cached until it moves. */
  appUsersVersion: number;
  events: LogEventRecord[];
  nextSeq: number;
};

export type StateContext = {
  store: Store;
  /** Current time in epoch ms; replaceable so tests and the generator control the clock. */
  now: () => number;
  /** Source for new ids and event uuids. */
  random: Random;
  actor: LogActorRecord;
};

export function createStore(): Store {
  return {
    users: new Map(),
    loginIndex: new Map(),
    groups: new Map(),
    userGroups: new Map(),
    apps: new Map(),
    directAssignments: new Map(),
    appGroups: new Map(),
    appUsers: new Map(),
    appUsersVersion: 0,
    events: [],
    nextSeq: 1,
  };
}

export function mapFor<K, V>(map: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}

export function setFor<V>(map: Map<string, Set<V>>, key: string): Set<V> {
  let inner = map.get(key);
  if (!inner) {
    inner = new Set();
    map.set(key, inner);
  }
  return inner;
}

export function displayName(user: UserRecord): string {
  const first = typeof user.profile.firstName === 'string' ? user.profile.firstName : '';
  const last = typeof user.profile.lastName === 'string' ? user.profile.lastName : '';
  return `${first} ${last}`.trim() || loginOf(user);
}

export function loginOf(user: UserRecord): string {
  return typeof user.profile.login === 'string' ? user.profile.login : user.id;
}
