import type { OktaState } from './state';
import { IN_SCOPE_STATUSES, type AppUserScope, type UserStatus } from './types';

export type InScopeUser = { id: string; login: string; status: UserStatus; scope: AppUserScope; supervisor: boolean };

export type OrgSummary = {
  appId: string;
  /** Users a correct client syncs: assigned to the app (directly or through a group) with an in-scope status. Ordered by id. */
  inScope: InScopeUser[];
  inScopeIds: string[];
  /** Every effective app user, whatever the status. */
  assignedIds: string[];
  /** In-scope users who are members of the supervisor group. */
  supervisorIds: string[];
  /** Users per status, over the whole org. */
  byStatus: Record<UserStatus, number>;
  totalUsers: number;
};

/** The in-scope users, computed from the state as it is now (not from what the generator meant to do). */
export function inScopeUsers(
  state: OktaState,
  appId: string,
  opts: { supervisorGroup?: string; statuses?: readonly UserStatus[] } = {},
): InScopeUser[] {
  const statuses = new Set(opts.statuses ?? IN_SCOPE_STATUSES);
  const supervisorGroup = opts.supervisorGroup === undefined ? undefined : state.groupByName(opts.supervisorGroup);
  return state.appUsers(appId).flatMap((appUser) => {
    const user = state.getUser(appUser.userId);
    if (!user || !statuses.has(user.status)) return [];
    return [{
      id: user.id,
      login: String(user.profile.login),
      status: user.status,
      scope: appUser.scope,
      supervisor: supervisorGroup?.members.has(user.id) ?? false,
    }];
  });
}

export function summarizeOrg(
  state: OktaState,
  opts: { appId: string; supervisorGroup?: string; statuses?: readonly UserStatus[] },
): OrgSummary {
  const inScope = inScopeUsers(state, opts.appId, opts);
  const byStatus: Record<UserStatus, number> = {
    STAGED: 0, PROVISIONED: 0, ACTIVE: 0, RECOVERY: 0, PASSWORD_EXPIRED: 0, LOCKED_OUT: 0, SUSPENDED: 0, DEPROVISIONED: 0,
  };
  const users = state.users();
  for (const user of users) byStatus[user.status]++;
  return {
    appId: opts.appId,
    inScope,
    inScopeIds: inScope.map((u) => u.id),
    assignedIds: state.appUsers(opts.appId).map((a) => a.userId),
    supervisorIds: inScope.filter((u) => u.supervisor).map((u) => u.id),
    byStatus,
    totalUsers: users.length,
  };
}
