import { z } from 'zod';
import type { AppConfig } from '../config/load-config';
import type { OktaUser, Rejected } from '../sync/types';
import { SyncError } from './errors';
import { createOktaCaller, createOktaClient, type OktaStats, type RateHeaders } from './okta-sdk';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';

export type OktaSourceConfig = AppConfig['okta'] &
  Readonly<{
    retry?: Partial<RetryPolicy>;
    onResponse?: (status: number, rate: RateHeaders) => void;
  }>;

export type OktaPullCounts = { appUsers: number; inScope: number; outOfScope: number; rejected: number; supervisors: number };
export type OktaPull = { users: OktaUser[]; rejected: Rejected[]; counts: OktaPullCounts };

/** One Okta user read afresh, with whether it is assigned to the app and in scope now. */
export type OktaUserCheck =
  | { found: false; oktaId: string }
  | { found: true; oktaId: string; user: OktaUser; assigned: boolean; inScope: boolean };

export type OktaSource = {
  /** The users assigned to the app (directly or through a group) whose status is in scope. */
  pullInScope(): Promise<OktaPull>;
  /** Reads one user (by id or login) as it is now: status, role groups, app assignment. */
  checkUser(idOrLogin: string): Promise<OktaUserCheck>;
  stats(): OktaStats;
};

const userSchema = z
  .object({
    id: z.string().min(1),
    status: z.string().min(1),
    profile: z.object({ login: z.string().min(1) }).loose(),
  })
  .loose();

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `Okta user data is unusable (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'bad shape'})`;
}

export function createOktaSource(cfg: OktaSourceConfig): OktaSource {
  const stats: OktaStats = { requests: 0, retries: 0, byStatus: {} };
  const client = createOktaClient(cfg, (status, rate) => {
    stats.requests += 1;
    stats.byStatus[String(status)] = (stats.byStatus[String(status)] ?? 0) + 1;
    cfg.onResponse?.(status, rate);
  });
  const { call, drain } = createOktaCaller({ ...DEFAULT_RETRY, maxRetries: 4, ...cfg.retry }, () => {
    stats.retries += 1;
  });

  /** Members of each supervisor group, read once per group: user id -> group names. */
  async function roleGroupMembers(): Promise<Map<string, string[]>> {
    const byUser = new Map<string, string[]>();
    for (const name of cfg.supervisorGroups) {
      const groupIds: string[] = [];
      await drain(`list groups named "${name}"`, () => client.groupApi.listGroups({ q: name, limit: 200 }), (g) => {
        if (g.profile?.name === name && g.id) groupIds.push(g.id);
      });
      if (groupIds.length === 0) {
        throw new SyncError(`SUPERVISOR_GROUPS: Okta has no group named "${name}"`, { kind: 'config', service: 'okta' });
      }
      for (const groupId of groupIds) {
        await drain(`list members of group "${name}"`, () => client.groupApi.listGroupUsers({ groupId, limit: 1000 }), (u) => {
          if (!u.id) return;
          const groups = byUser.get(u.id) ?? [];
          if (!groups.includes(name)) groups.push(name);
          byUser.set(u.id, groups);
        });
      }
    }
    return byUser;
  }

  function appNotFound(err: unknown): never {
    if (err instanceof SyncError && err.status === 404) {
      throw new SyncError(`OKTA_APP_ID: Okta has no app ${cfg.appId} (${err.message})`, { kind: 'config', service: 'okta' });
    }
    throw err;
  }

  return {
    async pullInScope() {
      const byUser = await roleGroupMembers();
      const seen = new Set<string>();
      const users: OktaUser[] = [];
      const rejected: Rejected[] = [];
      const counts: OktaPullCounts = { appUsers: 0, inScope: 0, outOfScope: 0, rejected: 0, supervisors: 0 };
      const missingEmbed: string[] = [];
      const accept = (raw: unknown, fallbackId: string): void => {
        const parsed = userSchema.safeParse(raw);
        if (!parsed.success) {
          rejected.push({ oktaId: fallbackId, userName: '', reason: describeIssue(parsed.error) });
          counts.rejected += 1;
          return;
        }
        const u = parsed.data;
        if (!cfg.inScopeStatuses.includes(u.status)) {
          counts.outOfScope += 1;
          return;
        }
        const groups = byUser.get(u.id) ?? [];
        if (groups.length > 0) counts.supervisors += 1;
        counts.inScope += 1;
        users.push({ id: u.id, status: u.status, profile: { ...u.profile }, groups });
      };
      await drain(
        `list users of app ${cfg.appId}`,
        () => client.applicationApi.listApplicationUsers({ appId: cfg.appId, limit: cfg.pageSize, expand: 'user' }),
        (appUser) => {
          const id = appUser.id ?? '';
          if (id === '' || seen.has(id)) return;
          seen.add(id);
          counts.appUsers += 1;
          const embedded: unknown = appUser._embedded?.user;
          if (embedded === undefined) missingEmbed.push(id);
          else accept(embedded, id);
        },
      ).catch(appNotFound);
      // An Okta that ignores expand=user: read those users one by one.
      for (const id of missingEmbed) {
        const user = await call(`get user ${id}`, () => client.userApi.getUser({ userId: id }));
        accept(JSON.parse(JSON.stringify(user)) as unknown, id);
      }
      return { users, rejected, counts };
    },

    async checkUser(idOrLogin) {
      let raw: unknown;
      try {
        raw = JSON.parse(JSON.stringify(await call('get user', () => client.userApi.getUser({ userId: idOrLogin })))) as unknown;
      } catch (err) {
        if (err instanceof SyncError && err.kind === 'not-found') return { found: false, oktaId: idOrLogin };
        throw err;
      }
      const parsed = userSchema.safeParse(raw);
      if (!parsed.success) throw new SyncError(describeIssue(parsed.error), { kind: 'invalid', service: 'okta' });
      const u = parsed.data;
      const groups: string[] = [];
      await drain('list groups of user', () => client.userApi.listUserGroups({ userId: u.id }), (g) => {
        const name = g.profile?.name;
        if (name !== undefined && cfg.supervisorGroups.includes(name) && !groups.includes(name)) groups.push(name);
      });
      let assigned = true;
      try {
        await call('get app user', () => client.applicationApi.getApplicationUser({ appId: cfg.appId, userId: u.id }));
      } catch (err) {
        if (!(err instanceof SyncError && err.kind === 'not-found')) throw err;
        assigned = false;
      }
      const user: OktaUser = { id: u.id, status: u.status, profile: { ...u.profile }, groups };
      return { found: true, oktaId: u.id, user, assigned, inScope: assigned && cfg.inScopeStatuses.includes(u.status) };
    },

    stats: () => ({ ...stats, byStatus: { ...stats.byStatus } }),
  };
}
