import { Redis } from 'ioredis';
import winston from 'winston';
import { runFullSync } from '../../jobs/full-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { startTestApp, type TestApp } from '../helpers/app';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness';
import { capturingLogger, type LogEntry } from '../helpers/logger';
import { unassign } from '../helpers/offboard';

describe('drift records of users who left scope are removed by the next full sync', () => {
  let h: Harness;
  let app: TestApp;
  let redis: Redis;
  let logger: winston.Logger;
  let inScope: string[];
  const logs: LogEntry[] = [];
  const rows = async (): Promise<Set<string>> => new Set(await redis.hkeys(`${h.prefix}:owned:values`));
  const pruneLogs = (): LogEntry[] => logs.filter((l) => String(l.message).includes('drift records of users out of scope'));
  const fullSync = async (dryRun = false) => {
    logs.length = 0;
    return runFullSync(app.deps, { dryRun });
  };

  beforeAll(async () => {
    h = await startHarness({ users: 40, seed: 5 });
    redis = new Redis(REDIS_URL);
    logger = capturingLogger(logs);
    // Pages of 10, so a pull can break part-way.
    app = startTestApp(h, { okta: { pageSize: 10 }, deps: { logger } });
    expect((await fullSync()).fatal).toBeUndefined();
    inScope = inScopeUsers(h.okta.state, h.okta.appId).map((u) => u.id);
    expect(inScope.length).toBeGreaterThan(20);
    expect(await rows()).toEqual(new Set(inScope));
  });
  afterAll(async () => {
    await app.close();
    logger.close();
    await redis.quit();
    await h.close();
  });

  it('a dry run and a pull that stops early remove nothing; a full sync removes only the rows of those who left', async () => {
    const [unassigned, deprovisioned, deleted] = inScope as [string, string, string];
    unassign(h, unassigned);
    h.okta.state.setStatus(deprovisioned, 'DEPROVISIONED');
    h.okta.state.setStatus(deleted, 'DEPROVISIONED');
    h.okta.state.deleteUser(deleted);

    expect((await fullSync(true)).fatal).toBeUndefined();
    expect(await rows()).toEqual(new Set(inScope));
    expect(pruneLogs()).toEqual([]);

    h.okta.setFaults({ breakPageAfter: 1 });
    const broken = await fullSync();
    h.okta.resetFaults();
    expect(broken.fatal).toMatchObject({ kind: 'transient' });
    expect(await rows()).toEqual(new Set(inScope));
    expect(pruneLogs()).toEqual([]);

    const { report, fatal } = await fullSync();
    expect(fatal).toBeUndefined();
    expect(await rows()).toEqual(new Set(inScope.slice(3)));
    expect(pruneLogs()).toEqual([expect.objectContaining({ level: 'info', removed: 3, runId: report.runId, job: 'full-sync' })]);
  });

  it('a user who comes back into scope has no record: its first change has no known side', async () => {
    const returning = inScope[0] as string;
    h.okta.state.assignUserToApp(h.okta.appId, returning);
    h.okta.state.updateProfile(returning, { lastName: 'Returned' });
    const { report, fatal } = await fullSync();
    expect(fatal).toBeUndefined();
    expect(report.applied.update).toBe(1);
    expect(report.drift).toMatchObject({ okta: 0, wfm: 0, both: 0, unknown: 1 });
    expect((await rows()).has(returning)).toBe(true);
  });

  it('a Redis error while pruning is a warning: the run and its report go on, and the next full sync prunes', async () => {
    const leaver = inScope[3] as string;
    h.okta.state.setStatus(leaver, 'DEPROVISIONED');
    const hscan = jest.spyOn(app.deps.redis, 'hscan').mockRejectedValueOnce(new Error("READONLY You can't write against a read only replica."));
    const failing = await fullSync().finally(() => hscan.mockRestore());
    expect(failing.fatal).toBeUndefined();
    expect(failing.report.error).toBeUndefined();
    expect(pruneLogs()).toEqual([expect.objectContaining({ level: 'warn', error: expect.stringContaining('READONLY') })]);
    expect((await rows()).has(leaver)).toBe(true);

    const next = await fullSync();
    expect(next.report.planned).toEqual(failing.report.planned);
    expect(next.report.failed).toEqual(failing.report.failed);
    expect(pruneLogs()).toEqual([expect.objectContaining({ level: 'info', removed: 1 })]);
    expect((await rows()).has(leaver)).toBe(false);
  });
});
