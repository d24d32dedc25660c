import { runIncrementalSync } from '../../jobs/incremental-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import type { RequestLogEntry } from '../../sandbox/okta/server';
import { startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';

const WINDOW_MS = 1000;

/**
 * The 429s of each window of each bucket, windows rebuilt from the request log the way the
 * sandbox counts them: a window opens with the first request after the previous one ended.
 */
function rejectionsPerWindow(requests: readonly RequestLogEntry[]): Map<string, number[]> {
  const byBucket = new Map<string, number[]>();
  const sorted = [...requests].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const windowStart = new Map<string, number>();
  for (const r of sorted) {
    const at = Date.parse(r.at);
    const counts = byBucket.get(r.bucket) ?? [];
    const start = windowStart.get(r.bucket);
    if (start === undefined || at >= start + WINDOW_MS) {
      windowStart.set(r.bucket, at);
      counts.push(0);
    }
    if (r.status === 429) counts[counts.length - 1] = (counts[counts.length - 1] ?? 0) + 1;
    byBucket.set(r.bucket, counts);
  }
  return byBucket;
}

describe('incremental-sync under Okta rate limits', () => {
  let h: Harness;
  let app: TestApp;
  beforeAll(async () => {
    h = await startHarness({ users: 40, seed: 31 });
    app = startTestApp(h, { env: { OKTA_CONCURRENCY: '4', OKTA_RATE_RESERVE: '20' } });
    const baseline = await runIncrementalSync(app.deps);
    expect(baseline.fatal).toBeUndefined();
  });
  afterAll(async () => {
    await app.close();
    await h.close();
  });

  it('completes under injected 429s, and the pacer keeps to at most one 429 per bucket window', async () => {
    const changed = inScopeUsers(h.okta.state, h.okta.appId).slice(0, 6);
    for (const u of changed) h.okta.state.updateProfile(u.id, { lastName: `Paced ${u.id.slice(-4)}` });
    // Small buckets and short windows: without the pacer this run would meet the limits many times.
    h.okta.setRateLimits({ limits: { users: 10, apps: 6, groups: 10, logs: 6 }, windowMs: WINDOW_MS });
    h.okta.setFaults({ rateLimitNext: 2 });
    h.okta.requests.length = 0;
    try {
      const { report, fatal } = await runIncrementalSync(app.deps);
      expect(fatal).toBeUndefined();
      expect(report.applied.update).toBe(changed.length);
      expect(report.failed).toEqual([]);
    } finally {
      h.okta.resetFaults();
      h.okta.setRateLimits({ limits: { users: 600, apps: 100, groups: 500, logs: 120 }, windowMs: 60_000 });
    }
    const rejected = h.okta.requests.filter((r) => r.status === 429);
    expect(rejected).toHaveLength(2); // the injected ones: the limits themselves were never hit
    const worst = [...rejectionsPerWindow(h.okta.requests)].map(([bucket, counts]) => [bucket, Math.max(...counts)] as const);
    expect(worst.filter(([, most]) => most > 1)).toEqual([]);
    // More users requests than one window allows: the pacer spread them over windows.
    expect(h.okta.requests.filter((r) => r.bucket === 'users').length).toBeGreaterThan(10);
    expect(app.deps.okta.stats().pacerWaits).toBeGreaterThan(0);
  });
});
