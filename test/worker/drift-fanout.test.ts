import { loadConfig } from '../../config/load-config';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import type { RunReport } from '../../sync/report';
import { createLogger } from '../../worker/logger';
import { newRunId } from '../../worker/main';
import { startWorker, type WorkerHandle } from '../../worker/runtime';
import { triggerRun } from '../../worker/triggers';
import { startHarness, type Harness } from '../helpers/harness';
import { waitFor } from '../helpers/wait';

describe('drift through the worker: fanned-out writes remember what they wrote', () => {
  let h: Harness;
  let worker: WorkerHandle;
  beforeAll(async () => {
    h = await startHarness({ users: 12, seed: 17 });
    const config = loadConfig({ ...h.env, WFM_MAX_RPS: '200', SYNC_CRON: 'off', INCREMENTAL_CRON: 'off', OFFBOARD_CRON: 'off' });
    worker = await startWorker(config, createLogger({ level: 'error', pretty: false }), { http: false });
  });
  afterAll(async () => {
    await worker.close();
    await h.close();
  });

  const fullSync = async (): Promise<RunReport> => {
    const { runId } = await triggerRun(worker.queues, newRunId, { kind: 'full-sync', reason: 'test' });
    return waitFor(() => worker.app.deps.history.get(runId), 30_000, 'the run report');
  };

  it('a console edit after a queued sync is reported and audited as made in the WFM', async () => {
    expect((await fullSync()).applied.create).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
    const target = inScopeUsers(h.okta.state, h.okta.appId)[2];
    const wfmUser = h.wfm.state.all().find((u) => u.externalId === target?.id);
    h.wfm.state.editAttribute(String(wfmUser?.id), 'displayName', 'Console Edit');
    const report = await fullSync();
    expect(report.drift).toMatchObject({ okta: 0, wfm: 1, both: 0, unknown: 0, edited: [{ oktaId: target?.id, fields: ['displayName'] }] });
    const [entry] = await worker.app.deps.audit.read({ count: 1, userName: target?.login ?? '' });
    expect(entry).toMatchObject({ runId: report.runId, side: 'wfm', changes: [{ path: 'displayName', from: 'Console Edit', side: 'wfm' }] });
  });
});
