import type { OktaSandbox, RequestLogEntry } from '../../../sandbox/okta/server';
import { startHarness, type Harness } from '../../helpers/harness';

export const appUsersPath = (h: Harness): string => `/api/v1/apps/${h.okta.appId}/users`;

/**
 * A harness with more than 500 assigned users: the app's users come in two pages, so a fault can
 * meet the pull mid-way. Short, roomy rate-limit windows: a concurrency 429 holds a bucket until
 * its window resets, which must not make a test wait a minute per retry.
 */
export async function startTwoPageHarness(seed: number): Promise<Harness> {
  const h = await startHarness({ users: 620, seed });
  h.okta.setRateLimits({ limits: { users: 100000, groups: 100000, apps: 100000 }, windowMs: 2000 });
  return h;
}

/** Calls `fn` with each Okta request as it is logged (answered, or closed unanswered). Answers `stop`. */
export function onRequest(okta: OktaSandbox, fn: (entry: RequestLogEntry) => void): () => void {
  const push = okta.requests.push.bind(okta.requests);
  okta.requests.push = (...entries) => {
    const n = push(...entries);
    for (const e of entries) fn(e);
    return n;
  };
  return () => {
    okta.requests.push = push;
  };
}
