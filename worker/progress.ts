import type { ProgressEvent } from '../jobs/deps';
import type { StatusLine } from './status-line';
import { count } from './table';

export type ProgressState = Readonly<{ event: ProgressEvent; phaseStartedMs: number }>;

export type ProgressOptions = {
  /** The terminal's status line (stderr on a TTY). Absent off a TTY. */
  tty?: StatusLine;
  /** A log line, used off a TTY (cron, CI, a container's log). */
  log: (message: string, meta: Record<string, unknown>) => void;
  now: () => number;
  /** Off a TTY, at most one write progress line per this many milliseconds. */
  logEveryMs?: number;
};

export type ProgressReporter = { update(event: ProgressEvent): void; stop(): void };

/** 75 s -> "1m15s"; 3 s -> "3s". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Writes per second so far and the time left at that rate, once there is a rate to speak of. */
export function rateAndEta(done: number, total: number, elapsedMs: number): { perSecond: number; etaSeconds?: number } {
  const perSecond = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  return perSecond > 0 ? { perSecond, etaSeconds: (total - done) / perSecond } : { perSecond };
}

const WHAT = { okta: 'Okta users', wfm: 'WFM users', plan: 'Planned', write: 'Writes' } as const;

/** The line a person sees for where a run is: phase, counts, and for writes the rate and ETA. */
export function progressLine(state: ProgressState, now: number): string {
  const { event } = state;
  const elapsed = now - state.phaseStartedMs;
  if (event.phase === 'write' && event.total !== undefined) {
    const { total, done } = event;
    const pct = total === 0 ? 100 : Math.floor((done * 100) / total);
    const { perSecond, etaSeconds } = rateAndEta(done, total, elapsed);
    const head = `${WHAT.write}: ${count(done)}/${count(total)} (${pct}%)`;
    if (event.finished) return `${head} in ${formatSeconds(elapsed / 1000)}, ${perSecond.toFixed(1)}/s`;
    return `${head}  ${perSecond.toFixed(1)}/s  ETA ${etaSeconds === undefined ? '?' : formatSeconds(etaSeconds)}`;
  }
  if (event.phase === 'plan') return `${WHAT.plan}: ${count(event.done)} users`;
  if (event.finished) return `${WHAT[event.phase]}: ${count(event.done)} read in ${formatSeconds(elapsed / 1000)}`;
  return `${WHAT[event.phase]}: reading... ${formatSeconds(elapsed / 1000)}`;
}

/**
 * On a TTY, one status line rewritten in place (finished phases stay as lines of their own); off a
 * TTY, plain log lines for the write phase, at most every `logEveryMs`, and when it finishes (the
 * run's own log already says when each reading phase ends).
 */
export function createProgressReporter(opts: ProgressOptions): ProgressReporter {
  const logEveryMs = opts.logEveryMs ?? 10_000;
  const { tty } = opts;
  let state: ProgressState | undefined;
  let lastLogMs = 0;
  const render = (): void => {
    if (state && tty && !state.event.finished) tty.show(progressLine(state, opts.now()));
  };
  // The reading phases send no events while they run: the elapsed time moves on its own.
  const timer = tty ? setInterval(render, 1000) : undefined;
  timer?.unref();
  return {
    update(event) {
      // A run with nothing to write has no write phase to show.
      if (event.phase === 'write' && event.total === 0) return;
      const now = opts.now();
      const samePhase = state !== undefined && state.event.phase === event.phase && !state.event.finished;
      state = { event, phaseStartedMs: samePhase && state ? state.phaseStartedMs : now };
      if (tty) {
        if (event.finished) tty.done(progressLine(state, now));
        else render();
        return;
      }
      if (event.phase !== 'write' || event.total === undefined) return;
      if (!event.finished && samePhase && now - lastLogMs < logEveryMs) return;
      lastLogMs = now;
      const rate = rateAndEta(event.done, event.total, now - state.phaseStartedMs);
      opts.log(progressLine(state, now), {
        phase: event.phase,
        done: event.done,
        total: event.total,
        perSecond: Number(rate.perSecond.toFixed(1)),
        ...(rate.etaSeconds !== undefined && !event.finished ? { etaSeconds: Math.round(rate.etaSeconds) } : {}),
      });
    },
    stop() {
      if (timer) clearInterval(timer);
      tty?.clear();
    },
  };
}
