import { loadConfig } from '../../config/load-config';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import type { RunReport } from '../../sync/report';
import { createLogger } from '../../worker/logger';
import { newRunId } from '../../worker/main';
import { startWorker, type WorkerHandle } from '../../worker/runtime';
import { triggerRun } from '../../worker/triggers';
import { startHarness, type Harness } from '../helpers/harness';
import { startQuirkyScim, type QuirkyScim } from '../helpers/quirky-scim';
import { waitFor } from '../helpers/wait';

describe('values the WFM stores in a form of its own, through the worker: the write jobs keep the form answered', () => {
  let h: Harness;
  let wfm: QuirkyScim;
  let worker: WorkerHandle;
  beforeAll(async () => {
    h = await startHarness({ users: 10, seed: 23 });
    wfm = await startQuirkyScim([], { narrowCharset: true });
    const config = loadConfig({ ...h.env, WFM_SCIM_URL: wfm.url, WFM_MAX_RPS: '200', SYNC_CRON: 'off', INCREMENTAL_CRON: 'off', OFFBOARD_CRON: 'off' });
    worker = await startWorker(config, createLogger({ level: 'error', pretty: false }), { http: false });
  });
  afterAll(async () => {
    await worker.close();
    await wfm.close();
    await h.close();
  });

  const fullSync = async (): Promise<RunReport> => {
    const { runId } = await triggerRun(worker.queues, newRunId, { kind: 'full-sync', reason: 'test' });
    return waitFor(() => worker.app.deps.history.get(runId), 30_000, 'the run report');
  };

  it('a created user and an updated one are not written again', async () => {
    const [created, updated] = inScopeUsers(h.okta.state, h.okta.appId);
    if (!created || !updated) throw new Error('two users in scope needed');
    h.okta.state.updateProfile(created.id, { firstName: 'Kai 🎧' });
    const first = await fullSync();
    expect(first.failed).toEqual([]);
    expect(first.applied.create).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
    h.okta.state.updateProfile(updated.id, { lastName: 'Ng 🍀' });
    const second = await fullSync();
    expect(second.applied.update).toBe(1);
    expect([...wfm.users.values()].find((u) => u.externalId === updated.id)).toMatchObject({ name: { familyName: 'Ng ?' } });
    wfm.seen.length = 0;
    const third = await fullSync();
    expect(third.planned.update).toBe(0);
    expect(wfm.seen.filter((r) => r.startsWith('PUT ') || r.startsWith('POST '))).toEqual([]);
  });
});
