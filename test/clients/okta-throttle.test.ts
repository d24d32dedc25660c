import { setTimeout as sleep } from 'node:timers/promises';
import { createThrottle, type Hold } from '../../clients/okta-throttle';

describe('the throttle: the shell around the pacer', () => {
  it('keeps at most OKTA_CONCURRENCY requests in flight', async () => {
    const throttle = createThrottle({ concurrency: 2 });
    let active = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 7 }, async (_, i) => {
        const release = await throttle.acquire(i % 2 === 0 ? 'users' : 'groups');
        active += 1;
        most = Math.max(most, active);
        await sleep(5);
        active -= 1;
        release({ status: 200 });
      }),
    );
    expect(most).toBe(2);
  });

  it('waits for the reset an answer announced once the bucket is down to its reserve', async () => {
    let now = 1_700_000_000_000;
    const throttle = createThrottle({ concurrency: 4, reservePercent: 20, marginMs: 0, now: () => now });
    const release = await throttle.acquire('logs');
    release({ status: 200, limit: 10, remaining: 2, resetEpochS: now / 1000 + 1, serverDateMs: now });
    let acquired = false;
    const next = throttle.acquire('logs').then((r) => {
      acquired = true;
      return r;
    });
    await sleep(30);
    expect(acquired).toBe(false);
    expect((await throttle.acquire('users').then((r) => (r(), 'other buckets go')))).toBe('other buckets go');
    now += 1000;
    (await throttle.acquire('apps'))(); // any request ending wakes the waiters
    (await next)();
    expect(acquired).toBe(true);
    expect(throttle.stats().waits).toBeGreaterThan(0);
  });

  it('tells a wait of 5 s or more for a window, once per bucket and minute; shorter waits are not told', async () => {
    let now = 1_700_000_000_000;
    const holds: Hold[] = [];
    const throttle = createThrottle({ concurrency: 4, reservePercent: 20, marginMs: 0, now: () => now, onHold: (h) => holds.push(h) });
    const announce = async (bucket: 'logs' | 'users', resetInS: number): Promise<void> => {
      (await throttle.acquire(bucket))({ status: 200, limit: 10, remaining: 1, resetEpochS: now / 1000 + resetInS, serverDateMs: now });
    };
    const waitThenGo = async (bucket: 'logs' | 'users', afterMs: number): Promise<void> => {
      const next = throttle.acquire(bucket);
      await sleep(20);
      now += afterMs;
      (await throttle.acquire('apps'))(); // wakes the waiter
      (await next)({ status: 200 });
    };
    await announce('logs', 2);
    await waitThenGo('logs', 2000);
    expect(holds).toEqual([]);
    await announce('logs', 30);
    await waitThenGo('logs', 30_000);
    expect(holds).toEqual([{ bucket: 'logs', waitMs: 30_000, reason: 'reserve' }]);
    await announce('logs', 30);
    await waitThenGo('logs', 30_000);
    expect(holds).toHaveLength(1); // 30 s after the first: not told again
    await announce('users', 10);
    await waitThenGo('users', 10_000);
    await announce('logs', 30);
    await waitThenGo('logs', 30_000);
    // users on its own; logs again once a minute has passed since it was told.
    expect(holds.map((h) => h.bucket)).toEqual(['logs', 'users', 'logs']);
  });
});
