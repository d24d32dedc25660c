import winston from 'winston';
import { runIncrementalSync } from '../../jobs/incremental-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { createCursorStore } from '../../store/cursor';
import { summarise } from '../../sync/report';
import { startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';
import { capturingLogger, type LogEntry } from '../helpers/logger';

const MINUTE = 60_000;

/**
 * A System Log checkpoint that Okta still takes but that returns nothing any more (an Okta
 * reseeded or restored under a live Redis: the checkpoint points past every event its log now
 * holds) while Okta's log moves on. The run finds a settled event the checkpoint never returned,
 * reads every in-scope user instead, says so in its report, and the cursor starts over.
 */
describe('an incremental run whose System Log checkpoint is stuck', () => {
  let h: Harness;
  let app: TestApp;
  let logger: winston.Logger;
  const logs: LogEntry[] = [];
  const cursors = () => createCursorStore(app.deps.redis, app.deps.config.redis.prefix);
  const agents = () => inScopeUsers(h.okta.state, h.okta.appId, { supervisorGroup: 'WFM Supervisors' }).filter((u) => !u.supervisor && u.scope === 'USER');
  const supervisors = () => h.okta.state.groupByName('WFM Supervisors')?.id ?? '';
  const wfmUser = (oktaId: string) => h.wfm.state.all().find((u) => u.externalId === oktaId);
  /** Bounded System Log reads (with `until`): the check of a checkpoint that brought nothing. */
  const boundedLogReads = () => h.okta.requests.filter((r) => r.path === '/api/v1/logs' && r.query.until !== undefined);
  /** How far Okta's clock and this process's have moved on (both alike: no skew between them). */
  let ahead = 0;
  const moveClocks = (ms: number) => {
    ahead += ms;
    h.okta.state.setClock(() => Date.now() + ahead);
  };
  /** A change only the System Log tells of (lastUpdated does not move). */
  const promote = (agentId: string) => h.okta.state.addToGroup(supervisors(), agentId);

  beforeAll(async () => {
    h = await startHarness({ users: 40, seed: 58 });
    logger = capturingLogger(logs);
    app = startTestApp(h, { deps: { logger, now: () => Date.now() + ahead } });
    // The Date header of Okta's answers as such an Okta sends it (the sandbox's follows the host's clock).
    (app.deps.okta as { clockOffsetMs: () => number | undefined }).clockOffsetMs = () => 0;
    expect((await runIncrementalSync(app.deps)).report.kind).toBe('full-sync'); // sets the cursor
    expect((await runIncrementalSync(app.deps)).report.kind).toBe('incremental-sync'); // keeps Okta's next link
  });
  afterAll(async () => {
    h.okta.state.setClock(null);
    await app.close();
    logger.close();
    await h.close();
  });

  it('a checkpoint that returned every event is followed: the check finds nothing new and writes no warning', async () => {
    const [agent] = agents();
    if (!agent) throw new Error('no agent');
    promote(agent.id);
    const read = await runIncrementalSync(app.deps);
    expect(read.report).toMatchObject({ kind: 'incremental-sync', applied: { update: 1 }, failed: [] });
    expect(read.report.warnings).toBeUndefined();
    // An hour on, nothing new: the log is asked once from the last event read, and holds only that one.
    moveClocks(60 * MINUTE);
    h.okta.requests.length = 0;
    const quiet = await runIncrementalSync(app.deps);
    expect(quiet.report).toMatchObject({ kind: 'incremental-sync', applied: { create: 0, update: 0 }, failed: [] });
    expect(quiet.report.warnings).toBeUndefined();
    expect(boundedLogReads()).toHaveLength(1);
    expect(h.okta.requests.some((r) => r.path === `/api/v1/apps/${h.okta.appId}/users`)).toBe(false);
  });

  it('a checkpoint past every event the log holds: the run reads everyone, applies the change, warns in its report, and starts the cursor over', async () => {
    // The checkpoint points past every event Okta's log now holds, as after a reseed.
    const stored = await cursors().load();
    if (!stored?.cursor?.logNext) throw new Error('no checkpoint stored');
    await cursors().save({ ...stored.cursor, logNext: stored.cursor.logNext.replace(/after=[^&]*/, 'after=99999999') }, stored.raw);
    const [, agent] = agents();
    if (!agent) throw new Error('no second agent');
    promote(agent.id);
    // A run while the change is recent looks only up to 15 minutes ago (Okta may still be
    // persisting it): it finds nothing there, and follows the checkpoint as before.
    h.okta.requests.length = 0;
    const early = await runIncrementalSync(app.deps);
    expect(early.report).toMatchObject({ kind: 'incremental-sync', applied: { create: 0, update: 0 } });
    expect(early.report.warnings).toBeUndefined();
    expect(boundedLogReads()).toHaveLength(1);
    moveClocks(30 * MINUTE);
    logs.length = 0;
    const before = Date.now() + ahead;

    const { report, fatal } = await runIncrementalSync(app.deps);
    expect(fatal).toBeUndefined();
    expect(report).toMatchObject({ kind: 'incremental-sync', applied: { create: 0, update: 1 }, failed: [] });
    expect(wfmUser(agent.id)).toMatchObject({ roles: [{ value: 'supervisor', primary: true }] });
    expect(report.warnings).toEqual([expect.stringMatching(/^System Log checkpoint unusable \(it returned no event published after .*, and Okta's log holds group\.user_membership\.add event /)]);
    expect(summarise(report)).toMatch(/\n {2}warning: System Log checkpoint unusable/);
    const status = await h.cli(['status']);
    expect(status.out.find((l) => l.includes(report.runId))).toMatch(/ {2}ok, 1 warning$/);
    expect(logs).toContainEqual(expect.objectContaining({ message: 'okta pulled', readEverything: 1 }));
    const fresh = (await cursors().load())?.cursor;
    expect(fresh?.logNext).toBeUndefined();
    expect(Date.parse(fresh?.logEventAt ?? '')).toBeGreaterThanOrEqual(before);

    // The next run follows the new cursor, with nothing to warn of.
    const next = await runIncrementalSync(app.deps);
    expect(next.report).toMatchObject({ kind: 'incremental-sync', applied: { create: 0, update: 0 } });
    expect(next.report.warnings).toBeUndefined();
    expect((await cursors().load())?.cursor?.logNext).toMatch(new RegExp(`^${h.okta.url}/api/v1/logs\\?`));
  });
});
