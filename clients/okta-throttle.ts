import {
  DEFAULT_PACER_OPTIONS,
  decide,
  dispatched,
  observed,
  type OktaBucket,
  type PacerOptions,
  type PacerState,
  type RateObservation,
} from './okta-pacer';

export type ThrottleStats = { waits: number; waitedMs: number };

/** Ends one request: tells the pacer what the answer said (nothing when there was no answer). */
export type Release = (obs?: RateObservation) => void;

export type Throttle = {
  /** Resolves when a request to `bucket` may go: a free slot (OKTA_CONCURRENCY) and the pacer's yes. */
  acquire(bucket: OktaBucket): Promise<Release>;
  stats(): ThrottleStats;
};

/** A wait for a rate-limit window of at least HOLD_TOLD_MS, told once per bucket and minute: a run otherwise silent for minutes says why. */
export type Hold = { bucket: OktaBucket; waitMs: number; reason: string };

export type ThrottleOptions = Partial<PacerOptions> & { concurrency: number; now?: () => number; onHold?: (hold: Hold) => void };

export const HOLD_TOLD_MS = 5000;
const HOLD_TOLD_EVERY_MS = 60_000;

/**
 * The shell around the pure pacer: holds its state, sleeps when it says wait, and caps the requests
 * in flight. Every release wakes the waiters, since an answer may open a new window.
 */
export function createThrottle(opts: ThrottleOptions): Throttle {
  const pacer: PacerOptions = {
    reservePercent: opts.reservePercent ?? DEFAULT_PACER_OPTIONS.reservePercent,
    marginMs: opts.marginMs ?? DEFAULT_PACER_OPTIONS.marginMs,
    recheckMs: opts.recheckMs ?? DEFAULT_PACER_OPTIONS.recheckMs,
  };
  const now = opts.now ?? Date.now;
  const concurrency = Math.max(1, opts.concurrency);
  let state: PacerState = {};
  let active = 0;
  let wakers: (() => void)[] = [];
  const stats: ThrottleStats = { waits: 0, waitedMs: 0 };
  const toldAt = new Map<OktaBucket, number>();
  const tell = (bucket: OktaBucket, waitMs: number, reason: string): void => {
    if (!opts.onHold || waitMs < HOLD_TOLD_MS) return;
    const last = toldAt.get(bucket);
    if (last !== undefined && now() - last < HOLD_TOLD_EVERY_MS) return;
    toldAt.set(bucket, now());
    opts.onHold({ bucket, waitMs, reason });
  };

  const wakeAll = (): void => {
    const current = wakers;
    wakers = [];
    for (const wake of current) wake();
  };

  /** Sleeps until `ms` passed (when given) or until a request ends, whichever comes first. */
  const pause = (ms: number | undefined): Promise<void> =>
    new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        wakers = wakers.filter((w) => w !== done);
        resolve();
      };
      wakers.push(done);
      if (ms !== undefined) timer = setTimeout(done, ms);
    });

  return {
    async acquire(bucket) {
      for (;;) {
        if (active < concurrency) {
          const decision = decide(state, bucket, now(), pacer);
          if (decision.go) break;
          stats.waits += 1;
          tell(bucket, decision.waitMs, decision.reason);
          const started = now();
          await pause(decision.waitMs);
          stats.waitedMs += now() - started;
        } else {
          await pause(undefined);
        }
      }
      active += 1;
      state = dispatched(state, bucket);
      let released = false;
      return (obs) => {
        if (released) return;
        released = true;
        active -= 1;
        state = observed(state, bucket, obs, now());
        wakeAll();
      };
    },
    stats: () => ({ ...stats }),
  };
}
