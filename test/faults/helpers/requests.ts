import type { WfmFaultRule, WfmRequestLogEntry, WfmSandbox } from '../../../sandbox/wfm/server';

/** An answer the client may retry: injected, dropped, 429 or 5xx. */
export const failedTransiently = (r: WfmRequestLogEntry): boolean => r.fault !== undefined || r.status === 0 || r.status === 429 || r.status >= 500;

/**
 * The retry chains of a client that sends one request at a time: runs of the same method, path
 * and query where every request but the last failed transiently. Their lengths, in order.
 */
export function retryChains(requests: readonly WfmRequestLogEntry[]): number[] {
  const chains: number[] = [];
  let length = 0;
  requests.forEach((r, i) => {
    const before = requests[i - 1];
    const again = before !== undefined && failedTransiently(before) && before.method === r.method && before.path === r.path && before.query === r.query;
    if (again) length += 1;
    else {
      if (length > 0) chains.push(length);
      length = 1;
    }
  });
  if (length > 0) chains.push(length);
  return chains;
}

/** Retries seen on the wire: each request of a chain after its first. */
export const wireRetries = (requests: readonly WfmRequestLogEntry[]): number => retryChains(requests).reduce((sum, n) => sum + n - 1, 0);

/**
 * Spreads deterministic fault rules over a run: on every `every`-th request to arrive, the next
 * rule joins the sandbox's queue (it then hits the next request it matches). So each kind is sure
 * to hit each method at least once, whatever the seed of the random faults. Answers `stop`.
 */
export function sprinkle(wfm: WfmSandbox, rules: readonly WfmFaultRule[], every: number): () => void {
  const push = wfm.requests.push.bind(wfm.requests);
  let arrived = 0;
  let next = 0;
  wfm.requests.push = (...entries) => {
    arrived += entries.length;
    if (arrived % every === 0 && next < rules.length) {
      const rule = rules[next];
      next += 1;
      if (rule) wfm.faults.next.push({ ...rule });
    }
    return push(...entries);
  };
  return () => {
    wfm.requests.push = push;
  };
}
