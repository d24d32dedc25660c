import { setTimeout as sleep } from 'node:timers/promises';
import { isSyncError, type SyncError } from './errors';

export type RetryPolicy = Readonly<{
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After we wait for; a longer one fails the attempt. */
  maxRetryAfterMs: number;
}>;

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 250, maxDelayMs: 20000, maxRetryAfterMs: 120000 };

/** Exponential backoff with full jitter, or the server's Retry-After when it gave one. */
export function retryDelayMs(attempt: number, policy: RetryPolicy, err: SyncError | undefined, random: () => number = Math.random): number {
  if (err?.retryAfterMs !== undefined) return err.retryAfterMs + Math.floor(random() * 100);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Runs `fn` until it succeeds, fails with an error `shouldRetry` refuses, or runs out of retries.
 * `onRetry` is told about each retry (for counting in the run report and metrics).
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  shouldRetry: (err: unknown) => boolean,
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= policy.maxRetries || !shouldRetry(err)) throw err;
      // A server that asks for a longer pause than the policy waits is not asked again meanwhile:
      // the attempt fails, carrying the delay (a queued write's retry waits it out).
      if (isSyncError(err) && err.retryAfterMs !== undefined && err.retryAfterMs > policy.maxRetryAfterMs) throw err;
      const delay = retryDelayMs(attempt, policy, isSyncError(err) ? err : undefined);
      onRetry?.(err, attempt + 1, delay);
      await sleep(delay);
    }
  }
}
