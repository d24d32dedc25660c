import type { Redis } from 'ioredis';
import { loadConfig } from '../../config/load-config';
import { runOffboard } from '../../jobs/offboard';
import { buildApp } from '../../worker/main';
import type { Harness } from '../helpers/harness';
import { capturingLogger, type LogEntry } from '../helpers/logger';
import { createRecentDeactivations } from '../../store/recent-deactivations';
import { DEACTIVATE_PATH, activeOf, deactivateCalls, offboardSuite, onDeactivateCall, userApiCalls, userTaker, wfmIdOf } from '../helpers/offboard';

// A stream of leavers spread over runs (a group change Okta applies gradually, a filter that loses
// a few users an hour) passes a guard that looks at one run at a time.
describe('the off-boarding guards count earlier runs within DEACTIVATION_WINDOW', () => {
  let h: Harness;
  let redis: Redis;
  const take = userTaker(() => h);
  const windowKey = (): string => `${h.prefix}:offboard:recent-deactivations`;
  const offboard = (extraEnv: Record<string, string> = {}) =>
    h.cli(['offboard', '--once', '--json'], { DEACTIVATION_MAX_COUNT: '2', DEACTIVATION_MAX_PERCENT: '100', ...extraEnv });
  const leave = (n: number): string[] => {
    const ids = take(n);
    for (const id of ids) h.okta.state.setStatus(id, 'SUSPENDED');
    return ids;
  };

  offboardSuite({ users: 60, seed: 8 }, (s) => ({ h, redis } = s));

  it('one leaver a run: the first two go, the third run stops with its plan kept, naming the window', async () => {
    const [first] = leave(1) as [string];
    expect((await offboard()).report).toMatchObject({ applied: { deactivate: 1 } });
    const [second] = leave(1) as [string];
    expect((await offboard()).report).toMatchObject({ applied: { deactivate: 1 } });
    expect([activeOf(h, first), activeOf(h, second)]).toEqual([false, false]);
    expect(await redis.zcard(windowKey())).toBe(2);

    h.wfm.requests.length = 0;
    const [third] = leave(1) as [string];
    const { code, report, err } = await offboard();
    expect(code).toBe(3);
    expect(userApiCalls(h)).toBe(0);
    expect(activeOf(h, third)).toBe(true);
    expect(report?.planId).toMatch(/^plan-/);
    expect(err.join('\n')).toContain('1 deactivation now and 2 by off-boarding in the last 1d (DEACTIVATION_WINDOW) make 3, more than DEACTIVATION_MAX_COUNT=2');

    // Approved, it goes: a review of the plan and of what went before it, so the window starts again.
    const approved = await h.cli(['approve', report?.planId ?? '', '--json']);
    expect(approved.code).toBe(0);
    expect(activeOf(h, third)).toBe(false);
    expect(await redis.zcard(windowKey())).toBe(0);
    const [fourth] = leave(1) as [string];
    expect((await offboard()).report).toMatchObject({ applied: { deactivate: 1 } });
    expect(activeOf(h, fourth)).toBe(false);
    expect(await redis.zrange(windowKey(), 0, -1)).toEqual([fourth]);
    await redis.del(windowKey());
    for (const id of [first, second]) await redis.zadd(windowKey(), Date.now(), id);
  });

  it('deactivations older than the window no longer count; DEACTIVATION_WINDOW=0 judges each run alone', async () => {
    const [leaver] = leave(1) as [string];
    expect((await offboard({ DEACTIVATION_WINDOW: '0' })).report).toMatchObject({ applied: { deactivate: 1 } });
    expect(activeOf(h, leaver)).toBe(false);
    // Not recorded either: the window was off for that run.
    expect(await redis.zcard(windowKey())).toBe(2);

    const [late] = leave(1) as [string];
    expect((await offboard()).code).toBe(3);
    // The two earlier deactivations are moved back two days: outside a one-day window.
    const twoDaysAgo = Date.now() - 2 * 24 * 3_600_000;
    for (const id of await redis.zrange(windowKey(), 0, -1)) await redis.zadd(windowKey(), twoDaysAgo, id);
    h.wfm.requests.length = 0;
    const { code, report } = await offboard();
    expect(code).toBe(0);
    expect(report).toMatchObject({ applied: { deactivate: 1 } });
    expect(deactivateCalls(h)).toBe(1);
    expect(activeOf(h, late)).toBe(false);
    expect(await redis.zrange(windowKey(), 0, -1)).toEqual([late]);
  });

  it('a batch counts even when the run then fails before its audit entry', async () => {
    const config = loadConfig({ ...h.env, DEACTIVATION_MAX_COUNT: '50', DEACTIVATION_MAX_PERCENT: '100' });
    const logs: LogEntry[] = [];
    const app = buildApp(config, capturingLogger(logs));
    try {
      const failingAudit = { ...app.deps.audit, append: () => Promise.reject(new Error('the audit stream is unavailable')) };
      const [leaver] = leave(1) as [string];
      const before = await redis.zcard(windowKey());
      const outcome = await runOffboard({ ...app.deps, audit: failingAudit }, {});
      expect(outcome.fatal?.message).toMatch(/^the audit stream is unavailable/);
      expect(activeOf(h, leaver)).toBe(false);
      expect(await redis.zcard(windowKey())).toBe(before + 1);
      expect(await redis.zscore(windowKey(), leaver)).not.toBeNull();
    } finally {
      await app.close();
    }
  });
  /** Runs off-boarding in this process, with room for several leavers a run. */
  async function offboardInProcess(change: (deps: ReturnType<typeof buildApp>['deps']) => ReturnType<typeof buildApp>['deps'] = (d) => d, env: Record<string, string> = {}) {
    const config = loadConfig({ ...h.env, DEACTIVATION_MAX_COUNT: '50', DEACTIVATION_MAX_PERCENT: '100', ...env });
    const app = buildApp(config, capturingLogger([]));
    try {
      return await runOffboard(change(app.deps), {});
    } finally {
      await app.close();
    }
  }

  it('a batch counts before its deactivate call reaches the WFM', async () => {
    const leavers = leave(2);
    let atCall: Promise<(string | null)[]> | undefined;
    const unhook = onDeactivateCall(h, () => {
      // Issued as the call arrives, so Redis answers with what was recorded before it.
      atCall ??= Promise.all(leavers.map((id) => redis.zscore(windowKey(), id)));
    });
    try {
      const outcome = await offboardInProcess();
      expect(outcome.fatal).toBeUndefined();
    } finally {
      unhook();
    }
    expect(atCall).toBeDefined();
    expect((await atCall)?.every((score) => score !== null)).toBe(true);
    expect(leavers.map((id) => activeOf(h, id))).toEqual([false, false]);
  });

  it('when the count cannot be recorded, nobody is deactivated: the WFM is not called', async () => {
    const [leaver] = leave(1) as [string];
    h.wfm.requests.length = 0;
    const outcome = await offboardInProcess((deps) => {
      const zadd = deps.redis.zadd.bind(deps.redis) as (...args: unknown[]) => Promise<unknown>;
      const refusing = (...args: unknown[]): Promise<unknown> => (args[0] === windowKey() ? Promise.reject(new Error('Redis refused the write')) : zadd(...args));
      return { ...deps, redis: new Proxy(deps.redis, { get: (target, name) => (name === 'zadd' ? refusing : (Reflect.get(target, name) as unknown)) }) };
    });
    expect(outcome.fatal?.message).toMatch(/DEACTIVATION_WINDOW.*could not be recorded.*Redis refused the write/);
    expect(outcome.report.failed).toEqual([expect.objectContaining({ oktaId: leaver, error: expect.stringMatching(/^not attempted/) as unknown })]);
    expect(deactivateCalls(h)).toBe(0);
    expect(activeOf(h, leaver)).toBe(true);
    expect(await redis.zscore(windowKey(), leaver)).toBeNull();
    await offboardInProcess(); // the leaver goes on the next run
    expect(activeOf(h, leaver)).toBe(false);
  });

  it('the users the WFM did not deactivate are taken back: each to its earlier time, or out of the window', async () => {
    const [countedBefore, neverCounted, deactivated] = leave(3) as [string, string, string];
    const earlier = Date.now() - 3_600_000;
    await redis.zadd(windowKey(), earlier, countedBefore);
    h.wfm.faults.failDeactivateIds = [wfmIdOf(h, countedBefore), wfmIdOf(h, neverCounted)];
    try {
      const outcome = await offboardInProcess();
      expect(outcome.fatal).toBeUndefined();
    } finally {
      h.wfm.faults.failDeactivateIds = [];
    }
    expect([activeOf(h, countedBefore), activeOf(h, neverCounted), activeOf(h, deactivated)]).toEqual([true, true, false]);
    expect(await redis.zscore(windowKey(), countedBefore)).toBe(String(earlier));
    expect(await redis.zscore(windowKey(), neverCounted)).toBeNull();
    expect(await redis.zscore(windowKey(), deactivated)).not.toBeNull();
  });
  it('users the WFM may have deactivated stay counted: a call whose answer was lost, and reads that fail', async () => {
    const [leaver] = leave(1) as [string];
    h.wfm.faults.next = [{ kind: 'lost-response', api: 'user-management', pathPrefix: DEACTIVATE_PATH }];
    // The reads after the call fail (the re-check before it went through).
    const unhook = onDeactivateCall(h, () => h.wfm.faults.next.push({ kind: '500', methods: ['GET'], api: 'scim', pathPrefix: '/scim/v2/Users/', count: 5 }));
    try {
      const outcome = await offboardInProcess((d) => d, { WFM_MAX_RETRIES: '0' });
      expect(outcome.report.failed.map((f) => f.oktaId)).toContain(leaver);
    } finally {
      unhook();
      h.wfm.faults.next = [];
    }
    expect(activeOf(h, leaver)).toBe(false);
    expect(await redis.zscore(windowKey(), leaver)).not.toBeNull();
  });

  it('a take-back leaves a user alone once another run counted it since, or an approval cleared the window', async () => {
    const store = createRecentDeactivations(redis, h.prefix);
    const [mine, theirs, cleared] = ['00u-take-back-1', '00u-take-back-2', '00u-take-back-3'];
    const takeBack = await store.reserve([mine, theirs, cleared], 1_000);
    await redis.zadd(windowKey(), 2_000, theirs);
    await redis.zrem(windowKey(), cleared);
    await takeBack([mine, theirs, cleared]);
    expect(await redis.zmscore(windowKey(), mine, theirs, cleared)).toEqual([null, '2000', null]);
    await redis.zrem(windowKey(), theirs);
  });
});
