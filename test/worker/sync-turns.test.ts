import { loadConfig } from '../../config/load-config';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { createLogger } from '../../worker/logger';
import { newRunId } from '../../worker/main';
import { startWorker, type WorkerHandle } from '../../worker/runtime';
import { triggerRun } from '../../worker/triggers';
import { startHarness, type Harness } from '../helpers/harness';
import { waitFor } from '../helpers/wait';

// A run that read Okta before another run wrote a user would write that user's older values back:
// full, incremental and single-user runs therefore take turns, in every worker process.
describe('sync runs of different kinds take turns, cluster-wide', () => {
  let h: Harness;
  const workers: WorkerHandle[] = [];
  beforeAll(async () => {
    h = await startHarness({ users: 40, seed: 41 });
    const config = loadConfig({ ...h.env, SYNC_CRON: 'off', INCREMENTAL_CRON: 'off', OFFBOARD_CRON: 'off', WFM_MAX_RPS: '200' });
    const logger = createLogger({ level: 'error', pretty: false });
    workers.push(await startWorker(config, logger, { http: false }), await startWorker(config, logger, { http: false }));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await h.close();
  });

  it('a one-user resync asked for while a full sync runs starts once the full sync has finished', async () => {
    const [w] = workers as [WorkerHandle];
    expect(await w.queues.sync.getGlobalConcurrency()).toBe(1);
    const user = inScopeUsers(h.okta.state, h.okta.appId)[0];
    if (!user) throw new Error('no user');
    h.wfm.faults.latencyMs = 20; // keeps the full sync busy while the resync is asked for
    try {
      const full = await triggerRun(w.queues, newRunId, { kind: 'full-sync', reason: 'test' });
      await waitFor(async () => ((await w.queues.sync.getJobState(full.runId)) === 'active' ? true : undefined), 10000, 'the full sync running');
      const one = await triggerRun(w.queues, newRunId, { kind: 'resync-user', user: user.login, reason: 'test' });
      const report = async (runId: string) => waitFor(() => w.app.deps.history.get(runId), 60000, `the report of ${runId}`);
      const [fullReport, oneReport] = await Promise.all([report(full.runId), report(one.runId)]);
      expect(fullReport.failed).toEqual([]);
      expect(Date.parse(oneReport.startedAt)).toBeGreaterThanOrEqual(Date.parse(fullReport.finishedAt));
    } finally {
      h.wfm.faults.latencyMs = 0;
    }
  });
});
