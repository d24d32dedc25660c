/**
 * The Okta pacer's decisions, as pure functions of a small per-bucket state and the time given.
 * Okta counts requests per endpoint family in windows (per minute) and says on every answer how
 * many are left (`X-Rate-Limit-Remaining`) and when the window resets (`X-Rate-Limit-Reset`, epoch
 * seconds). We stop short of the limit, keeping a reserve for the org's other clients, and wait for
 * the reset instead of finding the limit with a 429. The shell that sleeps is okta-throttle.ts.
 */

export const OKTA_BUCKETS = ['users', 'groups', 'apps', 'logs', 'oauth', 'other'] as const;
export type OktaBucket = (typeof OKTA_BUCKETS)[number];

/** The endpoint family a request counts against (Okta's buckets are per family, per minute). */
export function bucketOf(pathname: string): OktaBucket {
  const path = pathname.replace(/\/{2,}/g, '/');
  if (path.startsWith('/oauth2/')) return 'oauth';
  const m = /^\/api\/v1\/(users|groups|apps|logs)(\/|$)/.exec(path);
  return m ? (m[1] as OktaBucket) : 'other';
}

/** What one answer said about its bucket. Absent fields: the answer carried no such header. */
export type RateObservation = Readonly<{
  status: number;
  limit?: number;
  remaining?: number;
  resetEpochS?: number;
  /** The answer's Date header, to measure the reset against the server's clock rather than ours. */
  serverDateMs?: number;
  /** Retry-After, in ms from the answer: stands for the reset on a 429 that gave no X-Rate-Limit-Reset. */
  retryAfterMs?: number;
}>;

type Window = Readonly<{
  /** undefined until an answer gave a real limit (a concurrency 429 says 0). */
  limit: number | undefined;
  remaining: number;
  resetEpochS: number;
  /** Our clock's time when the window ends. */
  resetAt: number;
}>;

export type BucketState = Readonly<{ inFlight: number; window: Window | undefined }>;
export type PacerState = Readonly<Partial<Record<OktaBucket, BucketState>>>;

export type PacerOptions = Readonly<{
  /** Share of each bucket left to the org's other clients, in percent (OKTA_RATE_RESERVE). */
  reservePercent: number;
  /** Added to a wait for a reset, for clock granularity. */
  marginMs: number;
  /** How long to wait before deciding again when only requests in flight hold us back. */
  recheckMs: number;
}>;

export const DEFAULT_PACER_OPTIONS: PacerOptions = { reservePercent: 20, marginMs: 100, recheckMs: 50 };

export type PacerDecision =
  | { go: true }
  | { go: false; waitMs: number; reason: 'reserve' | 'in-flight' | 'concurrency-limit' };

const EMPTY: BucketState = { inFlight: 0, window: undefined };

/** Requests kept back for others; never the whole bucket, so one request per window always goes. */
export function reserveOf(limit: number | undefined, reservePercent: number): number {
  if (limit === undefined || limit <= 0) return 0;
  return Math.min(Math.ceil((limit * reservePercent) / 100), limit - 1);
}

/** Whether a request to `bucket` may go now, or how long to wait before asking again. */
export function decide(state: PacerState, bucket: OktaBucket, now: number, opts: PacerOptions): PacerDecision {
  const s = state[bucket] ?? EMPTY;
  const w = s.window;
  if (w === undefined) return { go: true };
  const reserve = reserveOf(w.limit, opts.reservePercent);
  if (now >= w.resetAt) {
    // A new window: the server will count from the full limit again.
    if (w.limit === undefined || w.limit - reserve - s.inFlight > 0) return { go: true };
    return { go: false, waitMs: opts.recheckMs, reason: 'in-flight' };
  }
  if (w.remaining - reserve - s.inFlight > 0) return { go: true };
  const reason = w.limit === undefined ? 'concurrency-limit' : 'reserve';
  return { go: false, waitMs: Math.max(1, w.resetAt - now + opts.marginMs), reason };
}

/** A request to `bucket` was sent. */
export function dispatched(state: PacerState, bucket: OktaBucket): PacerState {
  const s = state[bucket] ?? EMPTY;
  return { ...state, [bucket]: { ...s, inFlight: s.inFlight + 1 } };
}

/** The longest a window holds a bucket, whatever reset an answer names: Okta's windows are a minute. */
const MAX_WAIT_MS = 5 * 60_000;

/**
 * When the window an answer speaks of resets: X-Rate-Limit-Reset, or, on a 429 without it,
 * Retry-After, or else the next minute. Undefined when the answer says nothing the pacer can use: a success needs both
 * the reset and the remaining count; a 429 means none remain, whatever it says.
 */
function resetOf(obs: RateObservation, now: number): { resetEpochS: number; resetAt: number } | undefined {
  if (obs.status !== 429 && obs.remaining === undefined) return undefined;
  const serverNow = obs.serverDateMs ?? now;
  // Epoch seconds; a value that large can only be milliseconds (another make's), read as such.
  const resetEpochS = obs.resetEpochS !== undefined && obs.resetEpochS > 1e11 ? obs.resetEpochS / 1000 : obs.resetEpochS;
  // A 429 whose reset is already due (the window's start, or a clock apart) says nothing of when to
  // try again: retried at once, the retries would all be spent inside the window. Taken as no reset.
  const due = obs.status === 429 && resetEpochS !== undefined && resetEpochS * 1000 - serverNow < 1000;
  if (resetEpochS !== undefined && !due) return { resetEpochS, resetAt: now + Math.min(MAX_WAIT_MS, Math.max(0, resetEpochS * 1000 - serverNow)) };
  if (obs.status === 429 && obs.retryAfterMs !== undefined) {
    return { resetEpochS: Math.ceil((serverNow + obs.retryAfterMs) / 1000), resetAt: now + Math.max(0, obs.retryAfterMs) };
  }
  if (obs.status === 429) {
    // No hint at all: Okta's windows are per minute, so the next minute of the server's clock is
    // when this one ends at the latest. Retrying sooner would spend the retries inside it.
    const resetEpochS = Math.floor(serverNow / 60_000) * 60 + 60;
    return { resetEpochS, resetAt: now + Math.max(0, resetEpochS * 1000 - serverNow) };
  }
  return undefined;
}

/** A request to `bucket` ended, with an answer (`obs`) or without one (network failure). */
export function observed(state: PacerState, bucket: OktaBucket, obs: RateObservation | undefined, now: number): PacerState {
  const s = state[bucket] ?? EMPTY;
  const inFlight = Math.max(0, s.inFlight - 1);
  const reset = obs === undefined ? undefined : resetOf(obs, now);
  if (obs === undefined || reset === undefined) return { ...state, [bucket]: { ...s, inFlight } };
  const { resetEpochS, resetAt } = reset;
  const old = s.window;
  // X-Rate-Limit-Limit: 0 on a 429 is Okta's concurrency limit: hold the bucket until the reset.
  if (obs.status === 429 && obs.limit === 0) {
    const window: Window = {
      limit: old?.limit,
      remaining: 0,
      resetEpochS: Math.max(old?.resetEpochS ?? 0, resetEpochS),
      resetAt: Math.max(old?.resetAt ?? 0, resetAt),
    };
    return { ...state, [bucket]: { inFlight, window } };
  }
  const remaining = obs.status === 429 ? 0 : (obs.remaining ?? 0);
  const limit = obs.limit !== undefined && obs.limit > 0 ? obs.limit : old?.limit;
  let window: Window;
  if (old === undefined || now >= old.resetAt || resetEpochS > old.resetEpochS) {
    window = { limit, remaining, resetEpochS, resetAt };
  } else if (resetEpochS === old.resetEpochS) {
    // Answers of one window can arrive out of order: the lowest remaining is the latest count.
    window = { ...old, limit, remaining: Math.min(old.remaining, remaining) };
  } else if (remaining <= old.remaining) {
    // The server names an earlier reset and no more room: its latest word (a lowered limit, a skewed clock) wins.
    window = { limit, remaining, resetEpochS, resetAt };
  } else {
    window = old; // a late answer from a window already over
  }
  return { ...state, [bucket]: { inFlight, window } };
}
