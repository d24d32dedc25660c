import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRunHistory, KEPT_ENTRIES } from '../../store/run-history';
import { emptyApplied, emptyCounts, summarise, type RunReport } from '../../sync/report';
import { REDIS_URL } from '../helpers/harness';

function report(runId: string, failures: number, conflicts = 0): RunReport {
  return {
    runId,
    kind: 'full-sync',
    dryRun: false,
    startedAt: '2026-11-29T20:00:00.000Z',
    finishedAt: '2026-11-29T20:01:00.000Z',
    planned: { ...emptyCounts(), update: failures },
    applied: emptyApplied(),
    failed: Array.from({ length: failures }, (_, i) => ({ oktaId: `00u${i}`, userName: `u${i}@example.com`, action: 'update', error: 'WFM SCIM PUT answered 400' })),
    conflicts: Array.from({ length: conflicts }, (_, i) => ({ oktaId: `00c${i}`, userName: `c${i}@example.com`, candidates: ['w1', 'w2'], reason: 'several' })),
    retries: 0,
    durationMs: 60_000,
  };
}

describe('the run history in Redis', () => {
  const prefix = `okta-wfm-test-${randomBytes(4).toString('hex')}`;
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await redis.del(`${prefix}:runs`);
    await redis.quit();
  });

  it('a run that failed for more users than a report keeps stores the first ones and the totals', async () => {
    const history = createRunHistory(redis, prefix);
    const big = report('run-big', KEPT_ENTRIES + 500, KEPT_ENTRIES + 1);
    await history.save(big);
    const stored = await history.get('run-big');
    expect(stored?.failed).toHaveLength(KEPT_ENTRIES);
    expect(stored?.failed[0]?.oktaId).toBe('00u0');
    expect(stored?.conflicts).toHaveLength(KEPT_ENTRIES);
    expect(stored).toMatchObject({ failedTotal: KEPT_ENTRIES + 500, conflictsTotal: KEPT_ENTRIES + 1 });
    // The run itself (its exit code, the next incremental run's retries) keeps every failure.
    expect(big.failed).toHaveLength(KEPT_ENTRIES + 500);
    expect(big.failedTotal).toBeUndefined();
    const text = summarise(stored as RunReport);
    expect(text).toContain(`failed: ${KEPT_ENTRIES + 500}`);
    expect(text).toContain(`... and ${KEPT_ENTRIES + 480} more (see --json, which keeps the first ${KEPT_ENTRIES})`);
    expect(text).toContain(`... and ${KEPT_ENTRIES - 19} more conflicts (see --json)`);
  });

  it("an off-boarding run over the bounds keeps its first deactivated users by name, and their total", async () => {
    const history = createRunHistory(redis, prefix);
    const users = (n: number) => Array.from({ length: n }, (_, i) => ({ oktaId: `00d${i}`, userName: `d${i}@example.com`, wfmId: `w${i}`, reason: 'SUSPENDED in Okta' }));
    await history.save({ ...report('run-offboard', 0), kind: 'offboard', deactivations: users(KEPT_ENTRIES + 7), heldByGuard: users(3) });
    const stored = await history.get('run-offboard');
    expect(stored?.deactivations).toHaveLength(KEPT_ENTRIES);
    expect(stored).toMatchObject({ deactivationsTotal: KEPT_ENTRIES + 7, heldByGuard: users(3) });
    expect(stored?.heldByGuardTotal).toBeUndefined();
    const text = summarise(stored as RunReport);
    expect(text).toContain(`  deactivated: ${KEPT_ENTRIES + 7}\n    d0@example.com (00d0), WFM user w0: SUSPENDED in Okta`);
    expect(text).toContain(`... and ${KEPT_ENTRIES - 13} more (see --json, which keeps the first ${KEPT_ENTRIES})`);
  });

  it('a report within the bounds is stored as it is', async () => {
    const history = createRunHistory(redis, prefix);
    await history.save(report('run-small', 3));
    expect(await history.get('run-small')).toEqual(report('run-small', 3));
  });
});
