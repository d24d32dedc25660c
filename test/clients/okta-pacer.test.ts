import {
  bucketOf,
  decide,
  dispatched,
  observed,
  reserveOf,
  type OktaBucket,
  type PacerOptions,
  type PacerState,
  type RateObservation,
} from '../../clients/okta-pacer';

const opts: PacerOptions = { reservePercent: 20, marginMs: 100, recheckMs: 50 };
const T = 1_700_000_000_000; // a whole second
const seen = (bucket: OktaBucket, obs: RateObservation, now = T, state: PacerState = {}): PacerState => observed(dispatched(state, bucket), bucket, obs, now);

describe('bucketOf: the endpoint family a request counts against', () => {
  it.each([
    ['/api/v1/users', 'users'],
    ['/api/v1/users/00u1/groups', 'users'],
    ['//api/v1/groups/00g1/users', 'groups'],
    ['/api/v1/apps/0oa1/users', 'apps'],
    ['/api/v1/logs', 'logs'],
    ['/oauth2/v1/token', 'oauth'],
    ['/api/v1/usersx', 'other'],
    ['/api/v1/org', 'other'],
  ])('%s -> %s', (path, bucket) => expect(bucketOf(path)).toBe(bucket));
});

describe('reserveOf', () => {
  it.each([
    [600, 20, 120],
    [10, 20, 2],
    [5, 90, 4],
    [1, 20, 0], // never the whole bucket: one request per window always goes
    [100, 0, 0],
    [undefined, 20, 0],
  ])('limit %s at %s%% keeps %s back', (limit, pct, reserve) => expect(reserveOf(limit, pct)).toBe(reserve));
});

describe('decide', () => {
  const window = (remaining: number, limit = 10, resetInMs = 30_000) =>
    seen('users', { status: 200, limit, remaining, resetEpochS: (T + resetInMs) / 1000, serverDateMs: T });

  it.each<[string, PacerState, OktaBucket, number, ReturnType<typeof decide>]>([
    ['nothing known yet: go', {}, 'users', T, { go: true }],
    ['another bucket is not held back', window(0), 'groups', T, { go: true }],
    ['above the reserve: go', window(3), 'users', T, { go: true }],
    ['at the reserve: wait for the reset', window(2), 'users', T, { go: false, waitMs: 30_100, reason: 'reserve' }],
    ['exhausted: wait for the reset', window(0), 'users', T + 10_000, { go: false, waitMs: 20_100, reason: 'reserve' }],
    ['after the reset: go again', window(0), 'users', T + 30_000, { go: true }],
    ['in flight counts against what is left', dispatched(window(3), 'users'), 'users', T, { go: false, waitMs: 30_100, reason: 'reserve' }],
  ])('%s', (_name, state, bucket, now, expected) => expect(decide(state, bucket, now, opts)).toEqual(expected));

  it('after a reset, holds back only when the requests in flight fill the new window', () => {
    let state = window(0, 3);
    for (let i = 0; i < 2; i += 1) state = dispatched(state, 'users');
    expect(decide(state, 'users', T + 31_000, opts)).toEqual({ go: false, waitMs: 50, reason: 'in-flight' });
  });

  it('a concurrency 429 (X-Rate-Limit-Limit: 0) holds the bucket until its reset, then lets requests go', () => {
    const state = seen('apps', { status: 429, limit: 0, remaining: 0, resetEpochS: (T + 2000) / 1000, serverDateMs: T });
    expect(decide(state, 'apps', T, opts)).toEqual({ go: false, waitMs: 2100, reason: 'concurrency-limit' });
    expect(decide(state, 'apps', T + 2000, opts)).toEqual({ go: true });
  });
});

describe('observed', () => {
  const obs = (remaining: number, resetS: number, extra: Partial<RateObservation> = {}): RateObservation => ({
    status: 200,
    limit: 10,
    remaining,
    resetEpochS: resetS,
    serverDateMs: T,
    ...extra,
  });
  const windowOf = (state: PacerState, bucket: OktaBucket = 'users') => state[bucket]?.window;

  it('measures the reset on the server clock (its Date header), not ours', () => {
    const state = seen('users', obs(5, T / 1000 + 60, { serverDateMs: T - 5000 }), T);
    expect(windowOf(state)?.resetAt).toBe(T + 65_000);
  });

  it('keeps the lowest remaining of one window (answers arrive out of order)', () => {
    const a = seen('users', obs(4, T / 1000 + 60));
    const b = seen('users', obs(7, T / 1000 + 60), T + 10, a);
    expect(windowOf(b)).toMatchObject({ remaining: 4 });
  });

  it('takes a newer window, and ignores a late, more generous answer from an older one', () => {
    const a = seen('users', obs(1, T / 1000 + 60));
    const b = seen('users', obs(9, T / 1000 + 120, { serverDateMs: T + 61_000 }), T + 61_000, a);
    expect(windowOf(b)).toMatchObject({ remaining: 9, resetEpochS: T / 1000 + 120 });
    const c = seen('users', obs(10, T / 1000 + 60, { serverDateMs: T + 61_000 }), T + 61_500, b);
    expect(windowOf(c)).toMatchObject({ remaining: 9, resetEpochS: T / 1000 + 120 });
  });

  it('believes an earlier reset with less room: the limit was lowered (or the clocks disagree)', () => {
    const a = seen('users', { status: 200, limit: 600, remaining: 590, resetEpochS: T / 1000 + 60, serverDateMs: T });
    const b = seen('users', obs(9, T / 1000 + 1), T + 100, a);
    expect(windowOf(b)).toMatchObject({ limit: 10, remaining: 9, resetEpochS: T / 1000 + 1, resetAt: T + 1100 });
  });

  it('a 429 empties the window whatever its headers say', () => {
    expect(windowOf(seen('users', obs(3, T / 1000 + 1, { status: 429 })))).toMatchObject({ remaining: 0 });
  });

  it('a 429 holds the bucket until the reset it names, even with no X-Rate-Limit-Remaining', () => {
    const state = seen('users', { status: 429, resetEpochS: T / 1000 + 2, serverDateMs: T });
    expect(windowOf(state)).toMatchObject({ remaining: 0, resetAt: T + 2000 });
    expect(decide(state, 'users', T + 500, opts)).toEqual({ go: false, waitMs: 1600, reason: 'concurrency-limit' });
    expect(decide(state, 'users', T + 2000, opts)).toEqual({ go: true });
  });

  it('a 429 with Retry-After and no X-Rate-Limit-Reset holds the bucket that long', () => {
    const state = seen('users', { status: 429, retryAfterMs: 3000, serverDateMs: T }, T + 10);
    expect(windowOf(state)).toMatchObject({ remaining: 0, resetAt: T + 3010, resetEpochS: T / 1000 + 3 });
    // X-Rate-Limit-Reset, Okta's own word, wins over Retry-After.
    expect(windowOf(seen('users', { status: 429, resetEpochS: T / 1000 + 1, retryAfterMs: 30_000, serverDateMs: T })))
      .toMatchObject({ resetAt: T + 1000 });
  });

  it('a 429 whose reset is already due is taken as no reset (Retry-After, else the next minute); a reset in milliseconds is read as such; no hold is longer than 5 min', () => {
    expect(windowOf(seen('users', { status: 429, resetEpochS: T / 1000 - 1, retryAfterMs: 3000, serverDateMs: T }))).toMatchObject({ resetAt: T + 3000 });
    expect(windowOf(seen('users', { status: 429, resetEpochS: T / 1000, serverDateMs: T }))).toMatchObject({ resetEpochS: 1_700_000_040, resetAt: T + 40_000 });
    expect(windowOf(seen('users', { status: 429, resetEpochS: T + 2000, serverDateMs: T }))).toMatchObject({ resetAt: T + 2000 });
    expect(windowOf(seen('users', { status: 429, resetEpochS: T / 1000 + 3600, serverDateMs: T }))).toMatchObject({ resetAt: T + 300_000 });
  });

  it('a success with a reset but no remaining count (or the reverse) says nothing to go by', () => {
    expect(windowOf(seen('users', { status: 200, resetEpochS: T / 1000 + 60, serverDateMs: T }))).toBeUndefined();
    expect(windowOf(seen('users', { status: 200, remaining: 0, serverDateMs: T }))).toBeUndefined();
  });

  it('a 429 with no hint at all holds the bucket until the next minute of the server clock (Okta counts per minute)', () => {
    // T is 40 s before a whole minute (1,700,000,040 s is one).
    const state = seen('users', { status: 429, serverDateMs: T }, T + 10);
    expect(windowOf(state)).toMatchObject({ remaining: 0, resetEpochS: 1_700_000_040, resetAt: T + 40_010 });
    expect(decide(state, 'users', T + 10, opts)).toMatchObject({ go: false, waitMs: 40_100 });
    expect(decide(state, 'users', T + 40_010, opts)).toEqual({ go: true });
  });

  it('an answer without rate headers (or no answer) only ends the request', () => {
    const state = dispatched(dispatched({}, 'logs'), 'logs');
    expect(observed(state, 'logs', undefined, T)).toEqual({ logs: { inFlight: 1, window: undefined } });
    expect(observed(state, 'logs', { status: 500 }, T).logs).toEqual({ inFlight: 1, window: undefined });
  });
});

describe('the pacer against a simulated Okta bucket', () => {
  /** A bucket of `limit` per `windowMs`, counted like Okta's, answering what the pacer needs. */
  function simulate(limit: number, windowMs: number, requests: number, concurrency: number): { rejected: number; perWindow: number[]; endedAt: number } {
    let state: PacerState = {};
    let now = T;
    let windowStart = T;
    const used = [0];
    let rejected = 0;
    for (let sent = 0; sent < requests; ) {
      // Send what the pacer allows, up to `concurrency` at once, then the answers arrive 20 ms later.
      const batch: number[] = [];
      while (batch.length < concurrency && sent + batch.length < requests && decide(state, 'users', now, opts).go) {
        state = dispatched(state, 'users');
        batch.push(now);
      }
      if (batch.length === 0) {
        const d = decide(state, 'users', now, opts);
        now += d.go ? 1 : d.waitMs;
        continue;
      }
      now += 20;
      for (const _ of batch) {
        if (now >= windowStart + windowMs) {
          windowStart = now;
          used.push(0);
        }
        used[used.length - 1] = (used[used.length - 1] ?? 0) + 1;
        const count = used[used.length - 1] ?? 0;
        const ok = count <= limit;
        if (!ok) rejected += 1;
        else sent += 1;
        state = observed(state, 'users', {
          status: ok ? 200 : 429,
          limit,
          remaining: Math.max(0, limit - count),
          resetEpochS: Math.ceil((windowStart + windowMs) / 1000),
          serverDateMs: Math.floor(now / 1000) * 1000,
        }, now);
      }
    }
    return { rejected, perWindow: used, endedAt: now };
  }

  it('never meets a 429 and leaves the reserve unused in every window', () => {
    const { rejected, perWindow } = simulate(10, 2000, 60, 4);
    expect(rejected).toBe(0);
    expect(Math.max(...perWindow)).toBe(10 - reserveOf(10, 20));
    expect(perWindow.reduce((a, b) => a + b, 0)).toBe(60);
  });
});
