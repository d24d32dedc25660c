import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import { Redis } from 'ioredis';
import { REDIS_URL, startHarness, type Harness } from './harness';

export const DEACTIVATE_PATH = '/user-management/v1/users/deactivate';

/** Calls to the user-management deactivate endpoint, optionally with a given status. */
export const deactivateCalls = (h: Harness, status?: number): number =>
  countRequests(h.wfm.requests, { method: 'POST', pathPrefix: DEACTIVATE_PATH, ...(status !== undefined ? { status } : {}) });
export const userApiCalls = (h: Harness): number => countRequests(h.wfm.requests, { api: 'user-management' });

export const wfmUserOf = (h: Harness, oktaId: string) => h.wfm.state.all().find((u) => u.externalId === oktaId);
export const wfmIdOf = (h: Harness, oktaId: string): string => {
  const user = wfmUserOf(h, oktaId);
  if (!user) throw new Error(`no WFM user for ${oktaId}`);
  return String(user.id);
};
export const activeOf = (h: Harness, oktaId: string): boolean | undefined => wfmUserOf(h, oktaId)?.active as boolean | undefined;

/** ACTIVE users in scope that are active in the WFM, in a stable order, none of `except`. */
export function activeInScope(h: Harness, except: ReadonlySet<string> = new Set()): string[] {
  return inScopeUsers(h.okta.state, h.okta.appId)
    .filter((u) => u.status === 'ACTIVE' && !except.has(u.id) && activeOf(h, u.id) === true)
    .map((u) => u.id);
}

/** Hands out n ACTIVE in-scope users at a time, none twice, so each test of a file has users no other touched. */
export function userTaker(h: () => Harness): (n: number) => string[] {
  const used = new Set<string>();
  return (n) => {
    const ids = activeInScope(h(), used).slice(0, n);
    if (ids.length < n) throw new Error('not enough users');
    for (const id of ids) used.add(id);
    return ids;
  };
}

/** Takes a user out of the app for good: its direct assignment and every group that assigns it. */
export function unassign(h: Harness, oktaId: string): void {
  const { state, appId } = h.okta;
  if (state.isDirectlyAssigned(appId, oktaId)) state.unassignUserFromApp(appId, oktaId);
  for (const g of state.appGroups(appId)) {
    if (state.getGroup(g.groupId)?.members.has(oktaId)) state.removeFromGroup(g.groupId, oktaId);
  }
  if (state.appUser(appId, oktaId)) throw new Error(`${oktaId} is still assigned`);
}

/**
 * Calls `fn` with n as the n-th deactivate call reaches the WFM sandbox, before the WFM handles it
 * (and so before the client has its answer). Answers a function that removes the hook.
 */
export function onDeactivateCall(h: Harness, fn: (n: number) => void): () => void {
  const push = h.wfm.requests.push.bind(h.wfm.requests);
  let seen = 0;
  h.wfm.requests.push = (...entries) => {
    for (const e of entries) if (e.path === DEACTIVATE_PATH) fn((seen += 1));
    return push(...entries);
  };
  return () => {
    h.wfm.requests.push = push;
  };
}

/** Expires every WFM access token when the n-th deactivate call arrives (a token that dies mid-run). */
export function expireTokensOnDeactivateCall(h: Harness, n: number): () => void {
  return onDeactivateCall(h, (seen) => {
    if (seen === n) h.wfm.state.expireTokens();
  });
}

/**
 * The set-up of an off-boarding suite: a harness of `users` (seeded), a Redis connection and one
 * sync, so every in-scope user has its WFM user; the WFM request log is cleared before each test.
 * `started` receives them once they are up.
 */
export function offboardSuite(opts: Readonly<{ users: number; seed: number }>, started: (s: { h: Harness; redis: Redis }) => void): void {
  let h: Harness | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    h = await startHarness(opts);
    redis = new Redis(REDIS_URL);
    started({ h, redis });
    expect((await h.cli(['sync', '--once'])).code).toBe(0);
  });
  afterAll(async () => {
    await redis?.quit();
    await h?.close();
  });
  beforeEach(() => {
    if (h) h.wfm.requests.length = 0;
  });
}
