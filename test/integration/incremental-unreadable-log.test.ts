import winston from 'winston';
import { runIncrementalSync } from '../../jobs/incremental-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';
import { capturingLogger, type LogEntry } from '../helpers/logger';

/** A System Log event the run cannot read is not dropped in silence: the run warns and counts it. */
describe('an unreadable System Log event in an incremental run', () => {
  let h: Harness;
  let app: TestApp;
  let logger: winston.Logger;
  const logs: LogEntry[] = [];
  beforeAll(async () => {
    h = await startHarness({ users: 30, seed: 44 });
    logger = capturingLogger(logs);
    app = startTestApp(h, { deps: { logger } });
    await runIncrementalSync(app.deps); // no cursor yet: a full sync sets it
  });
  afterAll(async () => {
    await app.close();
    logger.close();
    await h.close();
  });

  it('is logged as a warning with the count, and the run goes on', async () => {
    const [agent] = inScopeUsers(h.okta.state, h.okta.appId).filter((u) => !u.supervisor && u.scope === 'USER');
    if (!agent) throw new Error('no agent');
    h.okta.state.addToGroup(h.okta.state.groupByName('WFM Supervisors')?.id ?? '', agent.id);
    const events = h.okta.state.events();
    const last = events[events.length - 1] as { uuid: string } | undefined;
    if (!last) throw new Error('no event');
    last.uuid = ''; // Okta's spec requires no field of a LogEvent
    logs.length = 0;
    const { report, fatal } = await runIncrementalSync(app.deps);
    expect(fatal).toBeUndefined();
    expect(report.kind).toBe('incremental-sync');
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringContaining('System Log events the incremental sync could not read'), events: 1 }));
    expect(logs).toContainEqual(expect.objectContaining({ message: 'okta pulled', unreadableEvents: 1 }));
  });
});
