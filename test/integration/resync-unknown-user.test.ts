import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { TriggerRequest } from '../../jobs';
import { QUEUE_NAMES } from '../../jobs/queue-names';
import { runResyncUser } from '../../jobs/resync-user';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { exitCodeOf, summarise } from '../../sync/report';
import { startHttp, type HttpServer } from '../../worker/http';
import { createMetrics } from '../../worker/metrics';
import { createQueues, type Queues } from '../../worker/queues';
import { startTestApp, type TestApp } from '../helpers/app';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness';

const NOBODY = 'nobody.here@example.com';

/**
 * A resync of one user Okta does not have: the trigger (CLI and HTTP) asks Okta once and says so
 * instead of queueing; a run queued all the same (Okta did not answer the trigger) reports it as
 * that user's failure.
 */
describe('a resync of a user Okta does not have', () => {
  let h: Harness;
  let app: TestApp;
  let connection: Redis;
  let queue: Queue;
  let queues: Queues;
  let server: HttpServer;
  const calls: TriggerRequest[] = [];
  beforeAll(async () => {
    h = await startHarness({ users: 8, seed: 3 });
    app = startTestApp(h);
    connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUE_NAMES.sync, { connection, prefix: h.prefix });
    queues = createQueues(app.deps.config);
    server = await startHttp({
      deps: app.deps,
      queues,
      metrics: createMetrics(),
      trigger: async (req) => {
        calls.push(req);
        return { runId: `run-${calls.length}`, coalesced: false };
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await queues.close();
    await queue.close();
    await connection.quit();
    await app.close();
    await h.close();
  });
  beforeEach(() => {
    calls.length = 0;
    h.okta.resetFaults();
  });
  const someone = (): string => inScopeUsers(h.okta.state, h.okta.appId)[0]?.login ?? '';
  const resync = (body: unknown) =>
    fetch(`${server.url}/api/resync`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it('the run reports "no such Okta user" as a failure of that user, not as a run stopped', async () => {
    const { report, fatal } = await runResyncUser(app.deps, { user: NOBODY });
    expect(fatal).toBeUndefined();
    expect(report.error).toBeUndefined();
    expect(report.failed).toEqual([{ oktaId: NOBODY, userName: NOBODY, action: 'read', kind: 'not-found', error: `no such Okta user: ${NOBODY}` }]);
    expect(exitCodeOf(report)).toBe(1);
    expect(summarise(report)).toContain(`no such Okta user: ${NOBODY}`);
    expect((await app.deps.history.get(report.runId))?.failed).toHaveLength(1);
  });

  it('trigger resync --user exits 1 with the message and queues nothing; a user Okta has is queued', async () => {
    const before = await queue.count();
    const missing = await h.cli(['trigger', 'resync', '--user', NOBODY]);
    expect(missing.code).toBe(1);
    expect(missing.out).toEqual([]);
    expect(missing.err.join('\n')).toContain(`no such Okta user: ${NOBODY}; nothing queued.`);
    expect(await queue.count()).toBe(before);
    const found = await h.cli(['trigger', 'resync', '--user', someone(), '--json']);
    expect(found.code).toBe(0);
    expect(await queue.count()).toBe(before + 1);
  });

  it('POST /api/resync answers 404 with the message for a login or an id Okta lacks, and queues nothing', async () => {
    const [gone] = inScopeUsers(h.okta.state, h.okta.appId).slice(-1);
    if (!gone) throw new Error('no user');
    h.okta.state.setStatus(gone.id, 'DEPROVISIONED');
    h.okta.state.deleteUser(gone.id);
    for (const user of [NOBODY, gone.id]) {
      const res = await resync({ user });
      expect([user, res.status]).toEqual([user, 404]);
      expect(await res.json()).toEqual({ error: 'not-found', message: `no such Okta user: ${user}; nothing queued.` });
    }
    expect(calls).toEqual([]);
    expect((await resync({ user: someone(), dryRun: true })).status).toBe(202);
    expect(calls).toEqual([{ kind: 'resync-user', user: someone(), dryRun: true, reason: 'api' }]);
  });

  it('queues as before when Okta does not answer the check (one attempt, no retry)', async () => {
    h.okta.setFaults({ serverErrorNext: 5, serverErrorStatus: 503 });
    expect((await resync({ user: NOBODY })).status).toBe(202);
    expect(h.okta.faults.serverErrorNext).toBe(4);
    const before = await queue.count();
    expect((await h.cli(['trigger', 'resync', '--user', NOBODY])).code).toBe(0);
    expect(await queue.count()).toBe(before + 1);
    expect(calls).toHaveLength(1);
  });
});
