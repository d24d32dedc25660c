import type { Logger } from 'winston';

/** How often a throttled line may be logged: `perWindow` lines in each window of `everyMs`. */
export type LogLimits = { everyMs?: number; perWindow?: number; now?: () => number };

/**
 * A line that can repeat without end (an error while a dependency is down, a refusal a client can
 * provoke at will) is logged at most `perWindow` times in each window of `everyMs`; those held back
 * are counted, and the next line logged says how many (`alsoSince`). A window starts at its first line.
 */
export function throttledLog(logger: Logger, level: 'error' | 'warn', message: string, limits: LogLimits = {}): (meta: Record<string, unknown>) => void {
  const { everyMs = 60_000, perWindow = 1, now = Date.now } = limits;
  let windowStart: number | undefined;
  let logged = 0;
  let held = 0;
  return (meta) => {
    const at = now();
    if (windowStart === undefined || at - windowStart >= everyMs) {
      windowStart = at;
      logged = 0;
    }
    if (logged >= perWindow) {
      held += 1;
      return;
    }
    logger.log(level, message, { ...meta, ...(held > 0 ? { alsoSince: held } : {}) });
    logged += 1;
    held = 0;
  };
}

/**
 * An error that repeats while a dependency is down (Redis, for every queue's worker, several
 * times a second) is logged once, then at most once every `everyMs` with how many came between.
 */
export function throttledError(logger: Logger, message: string, everyMs = 60_000, now: () => number = Date.now): (meta: Record<string, unknown>) => void {
  return throttledLog(logger, 'error', message, { everyMs, now });
}
