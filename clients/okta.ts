import { z } from 'zod';
import { OKTA_USER_STATUSES } from '../config/settings';
import { isOktaUserId } from '../sync/offboard-plan';
import { mapPool } from '../sync/pool';
import type { OktaUser, Rejected } from '../sync/types';
import { SyncError } from './errors';
import { unidentified } from './okta-errors';
import { forgetChangedGroups, listGroupMembers, memberIds, namedGroups, quoted, resolveGroupIds } from './okta-groups';
import { firstUnseenEvent, listAppGroupIds, listUpdatedSince, readLog } from './okta-log';
import { createOktaProbes } from './okta-probes';
import { DEFAULT_OKTA_CONCURRENCY, createOktaCaller, createOktaClient, type OktaCaller, type OktaStats } from './okta-sdk';
import { DEFAULT_RETRY } from './retry';

export type { LogCheckpoint, LogRead } from './okta-log';

import type { OktaPullCounts, OktaSource, OktaSourceConfig, OktaUserCheck } from './okta-source-types';
export type { OktaPull, OktaPullCounts, OktaSource, OktaSourceConfig, OktaUserCheck } from './okta-source-types';
export type { GroupProbe, ScopeProbe } from './okta-probes';

const userSchema = z
  .object({
    id: z.string().min(1),
    status: z.string().min(1),
    profile: z.object({ login: z.string().min(1) }).loose(),
  })
  .loose();

/** A user record checked once: what a pull hands on. */
type ParsedUser = ReturnType<typeof userSchema.safeParse>;

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `Okta user data is unusable (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'bad shape'})`;
}

const plain = (model: unknown): unknown => JSON.parse(JSON.stringify(model)) as unknown;

function idOf(raw: unknown): string | undefined {
  const id: unknown = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** What a call refused for the service app's credentials or scopes says to check, naming the scopes it asks for. */
const serviceAppHint = (scopes: readonly string[]): string =>
  `check the service app: OKTA_CLIENT_ID, OKTA_KEY_ID, the key, and the scopes granted to it (OKTA_SCOPES asks for ${scopes.join(' ')})`;

export function createOktaSource(cfg: OktaSourceConfig): OktaSource {
  const stats: OktaStats = { requests: 0, retries: 0, byStatus: {} };
  /** Okta's clock less ours, as the last answer's Date header showed it (to the second). */
  let clockOffsetMs: number | undefined;
  const { client, throttle } = createOktaClient(cfg, (status, rate) => {
    if (rate.serverDateMs !== undefined) clockOffsetMs = rate.serverDateMs - Date.now();
    stats.requests += 1;
    stats.byStatus[String(status)] = (stats.byStatus[String(status)] ?? 0) + 1;
    cfg.onResponse?.(status, rate);
  });
  const callerOpts = {
    orgUrl: cfg.orgUrl,
    requestTimeoutMs: cfg.requestTimeoutMs,
    ...(cfg.oauth ? { authHint: serviceAppHint(cfg.oauth.scopes) } : {}),
    ...(cfg.onLinkMoved ? { onLinkMoved: cfg.onLinkMoved } : {}),
    ...(cfg.onReading ? { onReading: cfg.onReading } : {}),
  };
  const caller = createOktaCaller(
    { ...DEFAULT_RETRY, maxRetries: 4, ...cfg.retry },
    () => {
      stats.retries += 1;
    },
    callerOpts,
  );
  const { call, drain } = caller;
  // One attempt, no retry: for a quick answer that may be given up (a trigger's check of a user).
  const once = createOktaCaller({ ...DEFAULT_RETRY, ...cfg.retry, maxRetries: 0 }, () => undefined, callerOpts);
  const groups = namedGroups(cfg);
  const mappedNames = groups.filter((g) => g.mapped).map((g) => g.name);
  const scopeNames = groups.filter((g) => g.scope).map((g) => g.name);
  const groupScope = scopeNames.length > 0;

  /** The app whose users are in scope when OKTA_GROUPS is not set. */
  function scopeAppId(): string {
    if (cfg.appId === undefined) throw new SyncError('OKTA_APP_ID: is required, unless OKTA_GROUPS is set', { kind: 'config', service: 'okta' });
    return cfg.appId;
  }

  function appNotFound(err: unknown, appId: string): never {
    if (err instanceof SyncError && err.status === 404) {
      throw new SyncError(`OKTA_APP_ID: Okta has no app ${appId} (${err.message})`, { kind: 'config', service: 'okta' });
    }
    throw err;
  }

  /**
   * The app's users with their embedded profiles (1 call per 500); those without are read one by
   * one. One listed, then gone when read (deleted in between), goes to `onGone` with the reason.
   */
  async function appUsers(onUser: (parsed: ParsedUser, id: string) => void, onGone: (id: string, reason: string) => void): Promise<{ listed: number; readOneByOne: number }> {
    const appId = scopeAppId();
    const seen = new Set<string>();
    const missingEmbed: string[] = [];
    await drain(
      `list users of app ${appId}`,
      () => client.applicationApi.listApplicationUsers({ appId, limit: cfg.pageSize, expand: 'user' }),
      (appUser) => {
        const embedded: unknown = appUser._embedded?.user;
        // An app user's id is its user's id; the spec requires neither, so the embedded user's stands in.
        const id = appUser.id || idOf(embedded);
        if (!id) throw unidentified(`a user of app ${appId}`);
        if (seen.has(id)) return;
        seen.add(id);
        // Embedded as null, or without what a user needs (an implementation that embeds a summary):
        // read on its own, as one not embedded is; a user that still reads so is that user's bad data.
        const parsed = embedded === undefined ? undefined : userSchema.safeParse(embedded);
        if (parsed?.success !== true) missingEmbed.push(id);
        else onUser(parsed, id);
      },
    ).catch((err: unknown) => appNotFound(err, appId));
    // Read OKTA_CONCURRENCY at a time (an implementation that ignores expand=user embeds nobody),
    // and handed on in the listing's order, a page's worth at a time (not all held at once).
    for (let i = 0; i < missingEmbed.length; i += cfg.pageSize) {
      const reads = await mapPool(missingEmbed.slice(i, i + cfg.pageSize), cfg.concurrency ?? DEFAULT_OKTA_CONCURRENCY, async (id) => {
        try {
          return { id, raw: plain(await call(`get user ${id}`, () => client.userApi.getUser({ userId: id }))) as unknown };
        } catch (err) {
          if (!(err instanceof SyncError && err.kind === 'not-found')) throw err;
          return { id, gone: err.message };
        }
      });
      for (const read of reads) {
        if ('gone' in read) onGone(read.id, `Okta listed this user in app ${appId}, then had no such user when it was read (deleted meanwhile?): not synced, and not off-boarded, this run (${read.gone})`);
        else onUser(userSchema.safeParse(read.raw), read.id);
      }
    }
    return { listed: seen.size, readOneByOne: missingEmbed.length };
  }

  /** The one user whose login is exactly this (Okta compares logins ignoring case), if there is one. */
  async function userByLogin(login: string, via: OktaCaller): Promise<unknown> {
    const found: unknown[] = [];
    await via.drain('find user by login', () => client.userApi.listUsers({ filter: `profile.login eq ${quoted(login)}`, limit: 2 }), (u) => {
      found.push(plain(u));
    });
    return found.length === 1 ? found[0] : undefined;
  }

  /** One user's record by id or login, as Okta answers it; undefined when Okta has no such user. */
  async function findUser(idOrLogin: string, via: OktaCaller): Promise<unknown> {
    // No Okta id or login is a dot segment, and as a path segment it would address another
    // route (`/api/v1/users/.` is the user listing): answered as no such user, nothing sent.
    if (idOrLogin === '.' || idOrLogin === '..') return undefined;
    try {
      return plain(await via.call('get user', () => client.userApi.getUser({ userId: idOrLogin })));
    } catch (err) {
      if (!(err instanceof SyncError && err.kind === 'not-found')) throw err;
      // A login Okta cannot be asked for by path (one with a `/`, or an implementation that takes
      // ids alone there) is found by the documented `profile.login eq` filter. Okta's own ids are not.
      return isOktaUserId(idOrLogin) ? undefined : userByLogin(idOrLogin, via);
    }
  }

  /**
   * A user's groups listing answered 404 after the user was read. Only Okta's own "no such user"
   * on a second read says the user was deleted in between (off-boarding deactivates on it); a user
   * still there with a groups listing that is not is that user's bad data.
   */
  async function groupsNotFound(userId: string, err: SyncError): Promise<OktaUserCheck> {
    try {
      await call('get user', () => client.userApi.getUser({ userId }));
    } catch (again) {
      if (again instanceof SyncError && again.kind === 'not-found') return { found: false, oktaId: userId };
      throw again;
    }
    throw new SyncError(`${err.message}, though the user itself is still there`, { kind: 'invalid', service: 'okta', status: 404 });
  }

  return {
    ...createOktaProbes({ client, caller, groups, scopeGroups: groupScope ? (cfg.scopeGroups ?? []) : [], appId: scopeAppId, appNotFound }),

    async pullInScope() {
      // Each named group is listed once: role and rule groups for their names, OKTA_GROUPS for their members.
      const memberOf = new Map<string, string[]>();
      const scopeMembers = new Map<string, unknown>();
      await listGroupMembers(client, caller, groups, (group, u) => {
        const id = u.id ?? '';
        if (group.mapped) memberOf.set(id, [...new Set([...(memberOf.get(id) ?? []), group.name])]);
        if (group.scope && !scopeMembers.has(id)) scopeMembers.set(id, plain(u));
      }, cfg.groupIdCache);
      const users: OktaUser[] = [];
      const rejected: Rejected[] = [];
      const counts: OktaPullCounts = { appUsers: 0, inScope: 0, outOfScope: 0, rejected: 0, supervisors: 0 };
      const undocumented = new Map<string, number>();
      // A rejected user is not known to be out: it stays in scope for off-boarding.
      const reject = (oktaId: string, reason: string): void => {
        rejected.push({ oktaId, userName: '', reason });
        counts.rejected += 1;
      };
      const accept = (parsed: ParsedUser, fallbackId: string): void => {
        if (!parsed.success) {
          reject(fallbackId, describeIssue(parsed.error));
          return;
        }
        const u = parsed.data;
        if (!cfg.inScopeStatuses.includes(u.status)) {
          counts.outOfScope += 1;
          if (!OKTA_USER_STATUSES.includes(u.status)) undocumented.set(u.status, (undocumented.get(u.status) ?? 0) + 1);
          return;
        }
        const names = memberOf.get(u.id) ?? [];
        if (names.some((n) => cfg.supervisorGroups.includes(n))) counts.supervisors += 1;
        counts.inScope += 1;
        users.push({ id: u.id, status: u.status, profile: { ...u.profile }, groups: mappedNames.filter((n) => names.includes(n)) });
      };
      if (groupScope) {
        for (const [id, raw] of scopeMembers) accept(userSchema.safeParse(raw), id);
        counts.appUsers = scopeMembers.size;
      } else {
        const { listed, readOneByOne } = await appUsers(accept, reject);
        counts.appUsers = listed;
        if (readOneByOne > 0) counts.readOneByOne = readOneByOne;
      }
      return { users, rejected, counts, ...(undocumented.size > 0 ? { undocumented: Object.fromEntries(undocumented) } : {}) };
    },

    async userExists(idOrLogin) {
      return (await findUser(idOrLogin, once)) !== undefined;
    },

    async checkUser(idOrLogin) {
      const raw = await findUser(idOrLogin, caller);
      if (raw === undefined) return { found: false, oktaId: idOrLogin };
      const parsed = userSchema.safeParse(raw);
      if (!parsed.success) throw new SyncError(describeIssue(parsed.error), { kind: 'invalid', service: 'okta' });
      const u = parsed.data;
      // Names and ids: a setting entry may be either.
      const names = new Set<string>();
      try {
        await drain('list groups of user', () => client.userApi.listUserGroups({ userId: u.id }), (g) => {
          if (g.profile?.name !== undefined) names.add(g.profile.name);
          if (g.id !== undefined) names.add(g.id);
        });
      } catch (err) {
        if (err instanceof SyncError && err.kind === 'not-found') return groupsNotFound(u.id, err);
        throw err;
      }
      let assigned: boolean;
      if (groupScope) {
        assigned = scopeNames.some((n) => names.has(n));
      } else {
        const appId = scopeAppId();
        assigned = true;
        try {
          await call('get app user', () => client.applicationApi.getApplicationUser({ appId, userId: u.id }));
        } catch (err) {
          if (!(err instanceof SyncError && err.kind === 'not-found')) throw err;
          assigned = false;
        }
      }
      const user: OktaUser = { id: u.id, status: u.status, profile: { ...u.profile }, groups: mappedNames.filter((n) => names.has(n)) };
      return { found: true, oktaId: u.id, user, assigned, inScope: assigned && cfg.inScopeStatuses.includes(u.status) };
    },

    readLog: (from) => readLog(client, caller, cfg.orgUrl, from, cfg.onLinkMoved ? { onLinkMoved: cfg.onLinkMoved } : {}),
    firstUnseenEvent: (window, seen) => firstUnseenEvent(client, caller, window, seen),
    listUpdatedSince: (sinceIso) => listUpdatedSince(client, caller, sinceIso),
    listAppGroupIds: async () => (groupScope ? [] : listAppGroupIds(client, caller, scopeAppId())),
    groupMemberIds: (groupId) => memberIds(client, caller, groupId),
    groupsChanged: (groupIds) => forgetChangedGroups(groups, cfg.groupIdCache, groupIds),
    namedGroupIds: () => resolveGroupIds(client, caller, groups, cfg.groupIdCache),
    clockOffsetMs: () => clockOffsetMs,

    stats: () => {
      const paced = throttle.stats();
      return { ...stats, byStatus: { ...stats.byStatus }, pacerWaits: paced.waits, pacerWaitedMs: paced.waitedMs };
    },
  };
}
