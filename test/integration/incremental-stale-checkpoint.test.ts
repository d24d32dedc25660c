import winston from 'winston';
import { runIncrementalSync } from '../../jobs/incremental-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { createCursorStore } from '../../store/cursor';
import { createPullStats } from '../../store/pull-stats';
import { startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';
import { capturingLogger, type LogEntry } from '../helpers/logger';

/**
 * A stored System Log checkpoint that cannot be used (Okta refuses it, or OKTA_ORG_URL moved to
 * another origin) would fail every run until the cursor aged out: the run reads every in-scope user
 * instead, warns why, and the cursor starts over.
 */
describe('an incremental run whose stored System Log checkpoint cannot be used', () => {
  let h: Harness;
  let app: TestApp;
  let logger: winston.Logger;
  const logs: LogEntry[] = [];
  const cursors = () => createCursorStore(app.deps.redis, app.deps.config.redis.prefix);
  const agents = () => inScopeUsers(h.okta.state, h.okta.appId, { supervisorGroup: 'WFM Supervisors' }).filter((u) => !u.supervisor && u.scope === 'USER');
  const wfmUser = (oktaId: string) => h.wfm.state.all().find((u) => u.externalId === oktaId);
  const checkpointWarnings = () => logs.filter((l) => l.level === 'warn' && String(l.message).startsWith('System Log checkpoint unusable'));

  beforeAll(async () => {
    h = await startHarness({ users: 40, seed: 57 });
    logger = capturingLogger(logs);
    app = startTestApp(h, { deps: { logger } });
    expect((await runIncrementalSync(app.deps)).report.kind).toBe('full-sync'); // sets the cursor
    expect((await runIncrementalSync(app.deps)).report.kind).toBe('incremental-sync'); // keeps Okta's next link
  });
  afterAll(async () => {
    await app.close();
    logger.close();
    await h.close();
  });

  it.each([
    ['refused by Okta (400, a cursor it does not take)', (okta: string) => `${okta}/api/v1/logs?since=2024-01-01T00%3A00%3A00.000Z&sortOrder=ASCENDING&after=expired`, /answered 400 E0000001/],
    ['on another origin than OKTA_ORG_URL (the setting moved)', () => 'https://acme.okta.com/api/v1/logs?since=2024-01-01T00%3A00%3A00.000Z&after=1700000000000_1', /https:\/\/acme\.okta\.com, outside OKTA_ORG_URL/],
  ])('%s: every in-scope user is read, the change the log held is applied, and the cursor starts over', async (_name, link, reason) => {
    const stored = await cursors().load();
    if (!stored?.cursor?.logNext) throw new Error('no checkpoint stored');
    await cursors().save({ ...stored.cursor, logNext: link(h.okta.url) }, stored.raw);
    // A change only the System Log tells of: lastUpdated does not move.
    const [agent] = agents();
    if (!agent) throw new Error('no agent');
    h.okta.state.addToGroup(h.okta.state.groupByName('WFM Supervisors')?.id ?? '', agent.id);
    logs.length = 0;
    h.okta.requests.length = 0;
    const before = Date.now();

    const { report, fatal } = await runIncrementalSync(app.deps);
    expect(fatal).toBeUndefined();
    expect(report).toMatchObject({ kind: 'incremental-sync', applied: { create: 0, update: 1 }, failed: [] });
    expect(wfmUser(agent.id)).toMatchObject({ roles: [{ value: 'supervisor', primary: true }] });
    expect(checkpointWarnings()).toEqual([expect.objectContaining({ reason: expect.stringMatching(reason) })]);
    expect(logs).toContainEqual(expect.objectContaining({ message: 'okta pulled', readEverything: 1, inScope: inScopeUsers(h.okta.state, h.okta.appId).length }));
    expect(h.okta.requests.some((r) => r.path === `/api/v1/apps/${h.okta.appId}/users`)).toBe(true);
    expect(await createPullStats(app.deps.redis, app.deps.config.redis.prefix).last()).toMatchObject({ source: 'incremental-sync' });
    const fresh = (await cursors().load())?.cursor;
    expect(fresh?.logNext).toBeUndefined();
    expect(Date.parse(fresh?.baselineAt ?? '')).toBeGreaterThanOrEqual(before);
    expect(Date.parse(fresh?.baselineAt ?? '')).toBeLessThanOrEqual(Date.parse(report.startedAt) + 1000);

    // The next run reads changes again, from the new cursor.
    logs.length = 0;
    const next = await runIncrementalSync(app.deps);
    expect(next.fatal).toBeUndefined();
    expect(next.report).toMatchObject({ kind: 'incremental-sync', applied: { create: 0, update: 0 } });
    expect(checkpointWarnings()).toEqual([]);
    expect((await cursors().load())?.cursor?.logNext).toMatch(new RegExp(`^${h.okta.url}/api/v1/logs\\?`));
  });
});
