import type { AppConfig } from '../../config/app-config';
import { loadConfig } from '../../config/load-config';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import { dashboardWriteData } from '../../worker/http';
import { createLogger } from '../../worker/logger';
import { startWorker, type WorkerHandle } from '../../worker/runtime';
import { startHarness, type Harness } from '../helpers/harness';
import { waitFor } from '../helpers/wait';
import { createAction } from '../helpers/write-action';

const ADMIN_TOKEN = 'test-admin-token-0123456789';

describe('the worker: queued runs, fan-out, deduplication, HTTP', () => {
  let h: Harness;
  let config: AppConfig;
  const workers: WorkerHandle[] = [];
  beforeAll(async () => {
    h = await startHarness({ users: 80, seed: 21 });
    config = loadConfig({
      ...h.env,
      HTTP_PORT: '0',
      ADMIN_TOKEN,
      WFM_MAX_RPS: '200',
      SYNC_CRON: '0 2 * * *',
      INCREMENTAL_CRON: 'off',
      OFFBOARD_CRON: 'off',
    });
    const logger = createLogger({ level: 'error', pretty: false });
    workers.push(await startWorker(config, logger), await startWorker(config, logger, { http: false }));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await h.close();
  });
  const api = () => workers[0]?.http?.url ?? '';
  const authed = { Authorization: `Bearer ${ADMIN_TOKEN}` };

  it('answers health without credentials, and 401 on the API and dashboard without them', async () => {
    expect((await fetch(`${api()}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${api()}/readyz`)).json()).toMatchObject({ status: 'ready' });
    expect((await fetch(`${api()}/api/runs`)).status).toBe(401);
    expect((await fetch(`${api()}/api/runs`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${api()}/admin/queues`)).status).toBe(401);
    expect((await fetch(`${api()}/admin/queues`, { headers: authed })).status).toBe(200);
  });

  it('keeps exactly one scheduler per configured kind', async () => {
    const schedulers = await workers[0]?.queues.sync.getJobSchedulers();
    expect(schedulers?.map((s) => s.key ?? s.id)).toEqual(['schedule.full-sync']);
  });

  it('coalesces overlapping triggers into one run, fans the writes out and stores one report', async () => {
    const post = (body: unknown) =>
      fetch(`${api()}/api/resync`, { method: 'POST', headers: { ...authed, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    h.wfm.faults.latencyMs = 20; // keeps the run busy long enough for the second trigger to overlap it
    const first = (await (await post({})).json()) as { runId: string; coalesced: boolean };
    const second = (await (await post({})).json()) as { runId: string; coalesced: boolean };
    expect(first.coalesced).toBe(false);
    expect(second).toEqual({ runId: first.runId, coalesced: true });

    const report = await waitFor(async () => {
      const res = await fetch(`${api()}/api/runs/${first.runId}`, { headers: authed });
      return res.status === 200 ? ((await res.json()) as { applied: { create: number }; failed: unknown[] }) : undefined;
    }, 60000, 'the run report');
    h.wfm.faults.latencyMs = 0;
    const expected = inScopeUsers(h.okta.state, h.okta.appId).length;
    expect(report.applied.create).toBe(expected);
    expect(report.failed).toEqual([]);
    expect(h.wfm.state.all()).toHaveLength(expected);
    expect(countRequests(h.wfm.requests, { method: 'POST', api: 'scim' })).toBe(expected);
    const runs = (await (await fetch(`${api()}/api/runs`, { headers: authed })).json()) as { runs: { runId: string }[] };
    expect(runs.runs.filter((r) => r.runId === first.runId)).toHaveLength(1);
  });

  it('resyncs one user on request', async () => {
    const target = inScopeUsers(h.okta.state, h.okta.appId)[0];
    if (!target) throw new Error('no user');
    h.okta.state.updateProfile(target.id, { department: 'Retention' });
    h.wfm.requests.length = 0;
    const res = await fetch(`${api()}/api/resync`, {
      method: 'POST',
      headers: { ...authed, 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: target.login }),
    });
    const { runId } = (await res.json()) as { runId: string };
    const report = await waitFor(() => workers[0]?.app.deps.history.get(runId), 30000, 'the resync report');
    expect(report).toMatchObject({ kind: 'resync-user', applied: { update: 1 }, failed: [] });
    expect(countRequests(h.wfm.requests, { method: 'PUT', api: 'scim' })).toBe(1);
    expect(countRequests(h.wfm.requests, { method: 'GET', api: 'scim', pathPrefix: '/scim/v2/Users?' })).toBe(0);
  });

  it('exposes Prometheus metrics', async () => {
    const text = await (await fetch(`${api()}/metrics`)).text();
    // Each process counts what it did itself; the two together ran one full sync.
    const all = (await Promise.all(workers.map((w) => w.metrics.registry.metrics()))).join('\n');
    expect(all.match(/okta_wfm_runs_total\{kind="full-sync",result="ok"\} 1/g)).toHaveLength(1);
    expect(all).toMatch(/okta_wfm_okta_requests_total\{status="200"\}/);
    expect(all).toMatch(/okta_wfm_wfm_requests_total\{api="scim",status="201"\}/);
    expect(text).toMatch(/# TYPE okta_wfm_okta_rate_limit_remaining gauge/);
    expect(text).toMatch(/okta_wfm_queue_jobs\{queue="wfm-writes",state="completed"\}/);
    expect(all).toMatch(/okta_wfm_run_duration_seconds_bucket\{le="1",kind="full-sync"\}/);
  });

  it('shows a write job in the dashboard with its ids and action, without the profile values it carries', async () => {
    // A write job of no registered run: a worker refuses it (nothing is sent), and the failed job stays.
    const action = { ...createAction('00uDashboard'), userName: 'dash.board@example.com' };
    const desired = JSON.stringify(action.desired);
    expect(desired).toContain('00uDashboard@example.com'); // the work email the job carries
    await workers[0]?.queues.writes.add('wfm-write', { runId: 'full-sync-dashboard-test', oktaId: action.oktaId, action }, { jobId: 'dashboard-test', attempts: 1 });
    await waitFor(async () => ((await workers[0]?.queues.writes.getJob('dashboard-test'))?.failedReason ? true : undefined), 10_000, 'the job to fail');
    const res = await fetch(`${api()}/admin/queues/api/queues?activeQueue=wfm-writes&status=failed&page=1&jobsPerPage=50`, { headers: authed });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('dashboard-test');
    expect(text).toContain('dash.board@example.com');
    expect(text).not.toContain('00uDashboard@example.com');
    expect(dashboardWriteData({ runId: 'r', oktaId: 'o' })).toEqual({ runId: 'r', oktaId: 'o' });
  });

  it('rejects a bad resync body with 400', async () => {
    const res = await fetch(`${api()}/api/resync`, { method: 'POST', headers: { ...authed, 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 5 }) });
    expect(res.status).toBe(400);
  });
});
