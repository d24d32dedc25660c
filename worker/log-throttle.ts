import type { Logger } from 'winston';

/**
 * An error that repeats while a dependency is down (Redis, for every queue's worker, several
 * times a second) is logged once, then at most once every `everyMs` with how many came between.
 */
export function throttledError(logger: Logger, message: string, everyMs = 60_000, now: () => number = Date.now): (meta: Record<string, unknown>) => void {
  let lastAt: number | undefined;
  let held = 0;
  return (meta) => {
    const at = now();
    if (lastAt !== undefined && at - lastAt < everyMs) {
      held += 1;
      return;
    }
    logger.error(message, { ...meta, ...(held > 0 ? { alsoSince: held } : {}) });
    lastAt = at;
    held = 0;
  };
}
