import { Redis } from 'ioredis';
import { countRequests } from '../../sandbox/wfm/server';
import type { AuditEntry } from '../../store/audit';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness';
import {
  activeOf, deactivateCalls, expireTokensOnDeactivateCall, unassign, userApiCalls, userTaker, wfmIdOf, wfmUserOf,
} from '../helpers/offboard';

const HOUR = 3_600_000;

describe('offboard --once against both sandboxes and real Redis', () => {
  let h: Harness;
  let redis: Redis;
  const unmanaged: string[] = [];
  /** Takes n ACTIVE in-scope users no other test has touched. */
  const take = userTaker(() => h);
  const audit = async (...args: string[]): Promise<AuditEntry[]> => {
    const { out } = await h.cli(['audit', '--json', ...args]);
    return JSON.parse(out[out.length - 1] ?? '[]') as AuditEntry[];
  };
  const offboard = (extraEnv: Record<string, string> = {}) => h.cli(['offboard', '--once', '--json'], extraEnv);

  beforeAll(async () => {
    h = await startHarness({ users: 100, seed: 21 });
    // Each test's leavers are judged alone here; what earlier runs deactivated is the window's suite.
    h.env.DEACTIVATION_WINDOW = '0';
    redis = new Redis(REDIS_URL);
    const person = (userName: string, extra: Record<string, unknown> = {}) =>
      String(h.wfm.state.seedUser({ userName, name: { givenName: 'Wfm', familyName: 'Only' }, emails: [{ value: userName, type: 'work' }], active: true, ...extra }).id);
    unmanaged.push(person('wfm.admin@example.com'), person('hr.linked@example.com', { externalId: 'EMP-4711' }));
    const { code } = await h.cli(['sync', '--once']);
    expect(code).toBe(0);
  });
  afterAll(async () => {
    await redis.quit();
    await h.close();
  });
  beforeEach(() => {
    h.wfm.requests.length = 0;
  });

  it('stopped by a refused SCIM token, says what to check, as a sync does', async () => {
    const { code, report } = await offboard({ WFM_SCIM_TOKEN: 'a-revoked-token' });
    expect(code).toBe(1);
    expect(report?.error).toMatch(/^WFM SCIM GET \/Users answered 401: .*; check WFM_SCIM_TOKEN \(the WFM may have rotated or revoked it\)$/);
    expect(userApiCalls(h)).toBe(0);
  });

  it('with nobody out of scope makes no call and reports the unmanaged WFM users', async () => {
    const { code, report } = await offboard();
    expect(code).toBe(0);
    expect(report).toMatchObject({ kind: 'offboard', planned: { deactivate: 0 }, applied: { deactivate: 0 }, unmanaged: 2, inGrace: 0, failed: [] });
    expect(userApiCalls(h)).toBe(0);
  });

  it('deactivates exactly the suspended, deprovisioned, unassigned and deleted users, in one batch call; sync never does', async () => {
    const [s1, s2, d1, d2, u1, u2, x1] = take(7) as [string, string, string, string, string, string, string];
    const { state } = h.okta;
    state.setStatus(s1, 'SUSPENDED');
    state.setStatus(s2, 'SUSPENDED');
    state.setStatus(d1, 'DEPROVISIONED');
    state.setStatus(d2, 'DEPROVISIONED');
    unassign(h, u1);
    unassign(h, u2);
    const gone = wfmIdOf(h, x1);
    state.setStatus(x1, 'DEPROVISIONED');
    state.deleteUser(x1);
    const leavers = [s1, s2, d1, d2, u1, u2, x1];
    const activeBefore = h.wfm.state.all().filter((u) => u.active === true).map((u) => String(u.id));

    const sync = await h.cli(['sync', '--once', '--json']);
    expect(sync.code).toBe(0);
    expect(sync.report?.planned.deactivate).toBe(0);
    expect(userApiCalls(h)).toBe(0);

    const { code, report } = await offboard();
    expect(code).toBe(0);
    expect(report).toMatchObject({ planned: { deactivate: 7 }, applied: { deactivate: 7 }, failed: [], unmanaged: 2 });
    expect(deactivateCalls(h)).toBe(1);
    expect(countRequests(h.wfm.requests, { api: 'scim', method: ['POST', 'PUT', 'PATCH', 'DELETE'] })).toBe(0);
    const deactivated = activeBefore.filter((id) => h.wfm.state.get(id)?.active !== true);
    expect(deactivated.sort()).toEqual(leavers.filter((id) => id !== x1).map((id) => wfmIdOf(h, id)).concat(gone).sort());

    const reasons = (await audit()).filter((e) => e.runId === report?.runId).map((e) => [e.oktaId, e.action, e.outcome, e.reason]);
    expect(reasons.sort()).toEqual(
      [
        [s1, 'SUSPENDED in Okta'], [s2, 'SUSPENDED in Okta'], [d1, 'DEPROVISIONED in Okta'], [d2, 'DEPROVISIONED in Okta'],
        [u1, 'no longer assigned to the Okta app'], [u2, 'no longer assigned to the Okta app'], [x1, 'deleted in Okta'],
      ].map(([id, reason]) => [id, 'deactivate', 'applied', reason]).sort(),
    );

    h.wfm.requests.length = 0;
    const again = await offboard();
    expect(again.code).toBe(0);
    expect(again.report?.planned.deactivate).toBe(0);
    expect(userApiCalls(h)).toBe(0);
  });

  it('audit prints a user\'s deactivation, newest first, with the field changed and why', async () => {
    const entry = (await audit()).find((e) => e.action === 'deactivate');
    if (!entry) throw new Error('no deactivation in the audit');
    const { code, out } = await h.cli(['audit', '--user', entry.userName.toUpperCase()]);
    expect(code).toBe(0);
    // Newest first: the deactivation, then the create of the first sync.
    const heads = out.filter((l) => /^\d{4}-/.test(l));
    expect(heads).toHaveLength(2);
    expect(heads[0]).toMatch(/^\S+ \S+Z {2}deactivate applied {2}(\S+) {2}\(changed in Okta\)$/);
    expect(heads[0]).toContain(entry.userName);
    expect(heads[1]).toMatch(/ {2}create applied {2}/);
    expect(out[1]).toBe(`  run ${entry.runId}, WFM user ${entry.wfmId}`);
    expect(out[2]).toMatch(/^ {2}active {2}"true" -> "false" {2}Okta$/);
    expect(out[3]).toBe(`  why: ${entry.reason ?? '?'}`);
  });

  it('a re-hire is revived and updated by sync, counted as reactivate', async () => {
    const suspended = (await audit()).find((e) => e.reason === 'SUSPENDED in Okta');
    const unassigned = (await audit()).find((e) => e.reason === 'no longer assigned to the Okta app');
    if (!suspended || !unassigned) throw new Error('no deactivated users to re-hire');
    h.okta.state.setStatus(suspended.oktaId, 'ACTIVE');
    h.okta.state.updateProfile(suspended.oktaId, { lastName: 'Rehired' });
    h.okta.state.assignUserToApp(h.okta.appId, unassigned.oktaId);

    const { code, report } = await h.cli(['sync', '--once', '--json']);
    expect(code).toBe(0);
    expect(report).toMatchObject({ planned: { reactivate: 2, deactivate: 0 }, applied: { reactivate: 2 }, failed: [] });
    expect(countRequests(h.wfm.requests, { method: 'POST', pathPrefix: '/user-management/v1/users/' })).toBe(2);
    expect(wfmUserOf(h, suspended.oktaId)).toMatchObject({ active: true, name: { familyName: 'Rehired' } });
    expect(activeOf(h, unassigned.oktaId)).toBe(true);
    const revived = (await audit()).filter((e) => e.runId === report?.runId && e.action === 'reactivate');
    expect(revived.map((e) => e.reason)).toEqual(['inactive in the WFM, in scope in Okta', 'inactive in the WFM, in scope in Okta']);

    h.wfm.requests.length = 0;
    expect((await offboard()).report?.planned.deactivate).toBe(0);
    expect(userApiCalls(h)).toBe(0);
  });

  it('reports each id in notDeletedUserIds as that user\'s failure, and deactivates the rest', async () => {
    const [refused, ok] = take(2) as [string, string];
    h.okta.state.setStatus(refused, 'SUSPENDED');
    h.okta.state.setStatus(ok, 'SUSPENDED');
    h.wfm.faults.failDeactivateIds = [wfmIdOf(h, refused)];
    const { code, report } = await offboard();
    h.wfm.faults.failDeactivateIds = [];
    expect(code).toBe(1);
    expect(report?.applied.deactivate).toBe(1);
    expect(report?.failed).toEqual([
      { oktaId: refused, userName: wfmUserOf(h, refused)?.userName, action: 'deactivate', error: 'the WFM did not deactivate this user (listed in notDeletedUserIds)' },
    ]);
    expect(deactivateCalls(h)).toBe(1);
    expect([activeOf(h, refused), activeOf(h, ok)]).toEqual([true, false]);

    const retry = await offboard();
    expect(retry.code).toBe(0);
    expect(retry.report?.applied.deactivate).toBe(1);
    expect(activeOf(h, refused)).toBe(false);
  });

  it('renews a token that expires mid-run with no failure (batches of 2)', async () => {
    const leavers = take(4);
    for (const id of leavers) h.okta.state.setStatus(id, 'SUSPENDED');
    const restore = expireTokensOnDeactivateCall(h, 2);
    try {
      const { code, report } = await offboard({ WFM_DEACTIVATE_BATCH: '2' });
      expect(code).toBe(0);
      expect(report).toMatchObject({ applied: { deactivate: 4 }, failed: [] });
    } finally {
      restore();
    }
    expect(deactivateCalls(h, 200)).toBe(2);
    expect(deactivateCalls(h, 401)).toBe(1);
    expect(countRequests(h.wfm.requests, { pathPrefix: '/authentication/v1/token/access-key', status: 200 })).toBe(2);
    expect(leavers.map((id) => activeOf(h, id))).toEqual([false, false, false, false]);
  });

  it('leaves a user inside the grace period alone, forgets one back in scope, and deactivates after the grace', async () => {
    const [back, stays] = take(2) as [string, string];
    const grace = { OFFBOARD_GRACE: '4h' };
    const marksKey = `${h.prefix}:offboard:out-since`;
    h.okta.state.setStatus(back, 'SUSPENDED');
    h.okta.state.setStatus(stays, 'SUSPENDED');
    const first = await offboard(grace);
    expect(first.code).toBe(0);
    expect(first.report).toMatchObject({ planned: { deactivate: 0 }, inGrace: 2 });
    expect(userApiCalls(h)).toBe(0);
    expect(Object.keys(await redis.hgetall(marksKey)).sort()).toEqual([back, stays].sort());

    h.okta.state.setStatus(back, 'ACTIVE');
    const second = await offboard(grace);
    expect(second.report).toMatchObject({ planned: { deactivate: 0 }, inGrace: 1 });
    expect(Object.keys(await redis.hgetall(marksKey))).toEqual([stays]);

    await redis.hset(marksKey, stays, String(Date.now() - 5 * HOUR));
    const third = await offboard(grace);
    expect(third.report).toMatchObject({ applied: { deactivate: 1 }, inGrace: 0, failed: [] });
    expect([activeOf(h, back), activeOf(h, stays)]).toEqual([true, false]);
    expect(await redis.hgetall(marksKey)).toEqual({});
  });

  it('never touched the WFM users with no Okta link', async () => {
    for (const id of unmanaged) expect(h.wfm.state.get(id)?.active).toBe(true);
    const entries = await audit('--limit', '1000');
    expect(entries.filter((e) => unmanaged.includes(e.wfmId))).toEqual([]);
  });
});
