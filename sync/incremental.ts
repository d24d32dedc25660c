/**
 * The pure decisions of the incremental sync: which System Log events and which changed users
 * touch whom, and when reading everything costs fewer calls (the cursor: incremental-cursor.ts).
 */

export type LogTarget = Readonly<{ id: string; type: string; alternateId?: string; displayName?: string }>;
export type LogEvent = Readonly<{ uuid: string; eventType: string; published: string; targets: readonly LogTarget[] }>;
/** A user listed by `lastUpdated gt ...`: only what the watermark needs. */
export type UpdatedUser = Readonly<{ id: string; lastUpdated: string }>;

/** The event types that can change who is in scope or what a user should look like. */
export const WATCHED_EVENT_PREFIXES = ['user.lifecycle.', 'group.user_membership.', 'application.user_membership.', 'group.application_assignment.'] as const;
export const WATCHED_EVENT_TYPES = ['user.account.update_profile', 'group.profile.update', 'group.lifecycle.delete'] as const;

/** Events that can make a group name the settings use stand for other groups than the ids kept for it. */
const GROUP_CHANGE_TYPES: readonly string[] = ['group.profile.update', 'group.lifecycle.delete'];

/** The ids of the groups renamed or deleted, from their events' `UserGroup` targets. */
export function changedGroupIds(events: readonly LogEvent[]): string[] {
  const ids = events
    .filter((e) => GROUP_CHANGE_TYPES.includes(e.eventType))
    .flatMap((e) => e.targets.filter((t) => t.type === 'UserGroup' && t.id !== '').map((t) => t.id));
  return [...new Set(ids)];
}

export function isWatched(eventType: string): boolean {
  return (WATCHED_EVENT_TYPES as readonly string[]).includes(eventType) || WATCHED_EVENT_PREFIXES.some((p) => eventType.startsWith(p));
}

export type Relevance = Readonly<{
  /** App-assignment scope: this app's membership events count. Absent in group scope (OKTA_GROUPS). */
  appId?: string;
  /** Groups whose membership matters, as configured (name or id): role groups, group-rule groups, OKTA_GROUPS. */
  groupNames: ReadonlySet<string>;
  /**
   * Groups assigned to the app, by id: their membership decides app assignment. `all` when Okta
   * would not list them: every membership change is read again, and the user's own read decides.
   */
  appGroupIds: ReadonlySet<string> | 'all';
}>;

const targetOf = (e: LogEvent, type: string): LogTarget | undefined => e.targets.find((t) => t.type === type);

/**
 * The users an event is about: its `User` targets' ids (an event may name several). When no User
 * target is named, the `AppUser` target's: its alternateId (the login, or an app username) and its
 * id, which in Okta's API is the user's own, though Okta's log gives the app user's (0ua...), which
 * is left out. Each is read again; one that finds nobody is no user.
 */
function usersOf(e: LogEvent): string[] {
  const users = e.targets.filter((t) => t.type === 'User' && t.id !== '').map((t) => t.id);
  if (users.length > 0) return users;
  const appUser = targetOf(e, 'AppUser');
  if (appUser === undefined) return [];
  const login = appUser.alternateId;
  return [
    ...(login !== undefined && login !== '' && login !== 'unknown' ? [login] : []),
    ...(appUser.id !== '' && !appUser.id.startsWith('0ua') ? [appUser.id] : []),
  ];
}

/** Whether a group target is one the settings name, by its name or its id. */
const isNamed = (group: LogTarget, groupNames: ReadonlySet<string>): boolean => groupNames.has(group.displayName ?? '') || groupNames.has(group.id);

/** Group membership events on groups the settings do not name: only the app's group list can judge them. */
export function unnamedGroupIds(events: readonly LogEvent[], groupNames: ReadonlySet<string>): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    if (!e.eventType.startsWith('group.user_membership.')) continue;
    const group = targetOf(e, 'UserGroup');
    if (group && !isNamed(group, groupNames)) ids.add(group.id);
  }
  return [...ids];
}

function touches(e: LogEvent, rel: Relevance): boolean {
  if (e.eventType.startsWith('user.lifecycle.') || e.eventType === 'user.account.update_profile') return true;
  if (e.eventType.startsWith('group.user_membership.')) {
    // No group named (the API makes every target optional): the user is read again, as for an app event with no app.
    const group = targetOf(e, 'UserGroup');
    return group === undefined || isNamed(group, rel.groupNames) || rel.appGroupIds === 'all' || rel.appGroupIds.has(group.id);
  }
  if (e.eventType.startsWith('application.user_membership.')) {
    if (rel.appId === undefined) return false;
    const app = targetOf(e, 'AppInstance');
    return app === undefined || app.id === rel.appId;
  }
  return false;
}

/**
 * The groups assigned to the app or unassigned from it (`group.application_assignment.*`, their
 * `UserGroup` targets): each member's assignment changed with it, and Okta need not log one
 * event a member. None in group scope (OKTA_GROUPS), where the app decides nothing.
 */
export function reassignedGroupIds(events: readonly LogEvent[], appId: string | undefined): string[] {
  if (appId === undefined) return [];
  const ids = new Set<string>();
  for (const e of events) {
    if (!e.eventType.startsWith('group.application_assignment.')) continue;
    const app = targetOf(e, 'AppInstance');
    if (app !== undefined && app.id !== appId) continue;
    for (const t of e.targets) if (t.type === 'UserGroup' && t.id !== '') ids.add(t.id);
  }
  return [...ids];
}

/** The users the events touch (Okta ids, or logins where only those are known), each once, in log order. */
export function touchedUsers(events: readonly LogEvent[], rel: Relevance): string[] {
  const users = new Set<string>();
  for (const e of events) {
    if (!touches(e, rel)) continue;
    for (const user of usersOf(e)) users.add(user);
  }
  return [...users];
}

/**
 * Calls an incremental run spends on each changed user before any write: its Okta record, its
 * scope (app assignment or groups) and its roles, and one WFM lookup. The bench measures 4.
 */
export const CALLS_PER_CHANGED_USER = 4;

/** Where a full read's cost is estimated from: the last complete pull's counts and the page sizes. */
export type FullReadBasis = Readonly<{
  inScope: number;
  /** Users assigned to the app (0 in group scope, where the groups' members are listed instead). */
  appUsers: number;
  oktaPageSize: number;
  wfmPageSize: number;
  wfmReadMode: 'list' | 'lookup';
}>;

/** Okta group members come 1000 a page. */
const GROUP_PAGE_SIZE = 1000;

/**
 * The read calls of a full reconcile, about: the Okta pages of the in-scope users, one page of
 * role-group members at least, and the WFM's list pages (or one lookup a user, for a WFM that
 * refuses listing). A WFM that caps its pages below WFM_PAGE_SIZE makes it more.
 */
export function fullReadCalls(b: FullReadBasis): number {
  const okta = b.appUsers > 0 ? Math.ceil(b.appUsers / b.oktaPageSize) : Math.ceil(b.inScope / GROUP_PAGE_SIZE);
  const wfm = b.wfmReadMode === 'list' ? Math.ceil(b.inScope / b.wfmPageSize) : b.inScope;
  return Math.max(1, okta) + 1 + Math.max(1, wfm);
}

/** INCREMENTAL_RECONCILE_ABOVE: a number of changed users, or `auto`. */
export type ReconcileThreshold = number | 'auto';

/**
 * With `auto`, the fewest changed users that make a run read everything: a handful of changes is
 * read one by one even on a small tenant, where either way costs a few calls.
 */
export const AUTO_RECONCILE_MIN = 100;

/**
 * Whether an incremental run should read everything, as a full sync does, instead of each changed
 * user one by one: above a configured number of changed users; with `auto`, when more than
 * AUTO_RECONCILE_MIN changed and one by one would cost more calls than a full read (never without
 * the counts of a complete pull to estimate it by).
 */
export function reconcileInstead(changed: number, threshold: ReconcileThreshold, basis: FullReadBasis | undefined): boolean {
  if (threshold !== 'auto') return changed > threshold;
  if (basis === undefined || changed <= AUTO_RECONCILE_MIN) return false;
  return changed * CALLS_PER_CHANGED_USER > fullReadCalls(basis);
}
