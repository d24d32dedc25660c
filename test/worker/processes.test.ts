import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import { within } from '../../worker/within';
import { dropPrefix, startHarness, type Harness } from '../helpers/harness';
import { waitFor } from '../helpers/wait';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process';

describe('two worker processes against one Redis', () => {
  let h: Harness;
  let env: Record<string, string | undefined>;
  const procs: WorkerProcess[] = [];
  beforeAll(async () => {
    h = await startHarness({ users: 160, seed: 31 });
    env = { ...h.env, LOG_LEVEL: 'info', JOB_LOCK_MS: '2000', WFM_MAX_RPS: '40', WFM_CONCURRENCY: '4', SYNC_CRON: 'off', INCREMENTAL_CRON: 'off', OFFBOARD_CRON: 'off', SHUTDOWN_TIMEOUT_MS: '5000' };
    procs.push(spawnWorker(env), spawnWorker(env));
    await waitFor(() => (procs.every((p) => p.stderr().includes('worker started')) ? true : undefined), 20000, 'both workers');
  });
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await h.close();
  });

  it('coalesces triggers across processes, survives a SIGKILLed worker and converges with no duplicate', async () => {
    h.wfm.faults.latencyMs = 25;
    const first = await h.cli(['trigger', 'resync', '--json']);
    const second = await h.cli(['trigger', 'resync', '--json']);
    const a = JSON.parse(first.out.at(-1) ?? '{}') as { runId: string; coalesced: boolean };
    expect(a.coalesced).toBe(false);
    expect(JSON.parse(second.out.at(-1) ?? '{}')).toEqual({ runId: a.runId, coalesced: true });

    // Kill one worker in the middle of the writes.
    await waitFor(() => (countRequests(h.wfm.requests, { method: 'POST', api: 'scim' }) >= 40 ? true : undefined), 30000, 'writes under way');
    const victim = procs[0];
    victim?.child.kill('SIGKILL');
    await victim?.exited;

    const expected = inScopeUsers(h.okta.state, h.okta.appId);
    const status = await waitFor(async () => {
      const res = await h.cli(['status', '--json']);
      const parsed = JSON.parse(res.out.at(-1) ?? '{}') as { runs: { runId: string; applied: { create: number; update: number }; failed: unknown[] }[] };
      return parsed.runs.find((r) => r.runId === a.runId);
    }, 90000, 'the run to finish on the surviving worker');
    h.wfm.faults.latencyMs = 0;

    const userNames = h.wfm.state.all().map((u) => String(u.userName).toLowerCase());
    expect(new Set(userNames).size).toBe(userNames.length);
    expect(userNames.sort()).toEqual(expected.map((u) => u.login.toLowerCase()).sort());
    expect(status.failed).toEqual([]);
    expect(status.applied.create + status.applied.update).toBe(expected.length);
  });

  it('the surviving worker stops gracefully on SIGTERM', async () => {
    const survivor = procs[1];
    survivor?.child.kill('SIGTERM');
    expect(await survivor?.exited).toBe(0);
    expect(survivor?.stderr()).toMatch(/worker stopped/);
  });
});

describe('stopping a worker', () => {
  it('a second signal exits at once, while a run is still going', async () => {
    const h = await startHarness({ users: 120, seed: 32 });
    try {
      const env = { ...h.env, LOG_LEVEL: 'info', SYNC_CRON: 'off', INCREMENTAL_CRON: 'off', OFFBOARD_CRON: 'off', SHUTDOWN_TIMEOUT_MS: '600000', WFM_MAX_RPS: '2' };
      const p = spawnWorker(env);
      await waitFor(() => (p.stderr().includes('worker started') ? true : undefined), 20000, 'the worker');
      await h.cli(['trigger', 'resync']);
      await waitFor(() => (countRequests(h.wfm.requests, { method: 'POST', api: 'scim' }) >= 1 ? true : undefined), 20000, 'the first write');
      p.child.kill('SIGTERM');
      await waitFor(() => (p.stderr().includes('stopping') ? true : undefined), 10000, 'the first signal to be taken');
      expect(p.child.exitCode).toBeNull(); // still letting the run finish (2 writes a second, 10-minute bound)
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(130);
      expect(p.stderr()).toMatch(/second signal: exiting now/);
    } finally {
      await h.close();
    }
  });

  it('exits once SHUTDOWN_TIMEOUT_MS is over, and another worker takes the run over', async () => {
    const h = await startHarness({ users: 80, seed: 33 });
    const procs: WorkerProcess[] = [];
    try {
      const env = { ...h.env, LOG_LEVEL: 'info', SYNC_CRON: 'off', INCREMENTAL_CRON: 'off', OFFBOARD_CRON: 'off', JOB_LOCK_MS: '2000', SHUTDOWN_TIMEOUT_MS: '1500', WFM_MAX_RPS: '1' };
      const first = spawnWorker(env);
      procs.push(first);
      await waitFor(() => (first.stderr().includes('worker started') ? true : undefined), 20000, 'the worker');
      const trigger = await h.cli(['trigger', 'resync', '--json']);
      const { runId } = JSON.parse(trigger.out.at(-1) ?? '{}') as { runId: string };
      await waitFor(() => (countRequests(h.wfm.requests, { method: 'POST', api: 'scim' }) >= 1 ? true : undefined), 20000, 'the first write');
      first.child.kill('SIGTERM');
      // At one write a second the run has more than a minute to go: the worker stops without it.
      expect(await within(first.exited, 1500 + 10000)).toBe(0);
      expect(first.stderr()).toMatch(/running jobs did not finish in time; leaving them to another worker/);
      expect(first.stderr()).toMatch(/worker stopped/);
      const stopped = JSON.parse((await h.cli(['status', '--json'])).out.at(-1) ?? '{}') as { runs: { runId: string }[] };
      expect(stopped.runs.map((r) => r.runId)).not.toContain(runId); // the run was left unfinished

      // Its lock is no longer extended: once it expires, another worker takes the run over and finishes it.
      const second = spawnWorker({ ...env, WFM_MAX_RPS: '40' });
      procs.push(second);
      const status = await waitFor(async () => {
        const res = await h.cli(['status', '--json']);
        const parsed = JSON.parse(res.out.at(-1) ?? '{}') as { runs: { runId: string; failed: unknown[] }[] };
        return parsed.runs.find((r) => r.runId === runId);
      }, 60000, 'the run to finish on the other worker');
      expect(status.failed).toEqual([]);
      const expected = inScopeUsers(h.okta.state, h.okta.appId);
      const userNames = h.wfm.state.all().map((u) => String(u.userName).toLowerCase());
      expect(userNames.sort()).toEqual(expected.map((u) => u.login.toLowerCase()).sort());
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await h.close();
    }
  });
});

describe('a second worker on a taken HTTP port', () => {
  it('exits with an error naming HTTP_PORT, and takes no job', async () => {
    const h = await startHarness({ users: 20, seed: 34 });
    const otherPrefix = `${h.prefix}-other`;
    const procs: WorkerProcess[] = [];
    try {
      const env = { ...h.env, LOG_LEVEL: 'info', SYNC_CRON: 'off', INCREMENTAL_CRON: 'off', OFFBOARD_CRON: 'off', HTTP_HOST: '127.0.0.1' };
      // The first worker serves queues of its own (another prefix), so only the second could take the run below.
      const first = spawnWorker({ ...env, QUEUE_PREFIX: otherPrefix, HTTP_PORT: '0' }, ['worker']);
      procs.push(first);
      const port = await waitFor(() => /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(first.stderr())?.[1], 20000, 'the first worker to listen');
      await h.cli(['trigger', 'resync']);

      const second = spawnWorker({ ...env, HTTP_PORT: port }, ['worker']);
      procs.push(second);
      expect(await within(second.exited, 30000)).toBe(2);
      expect(second.stderr()).toContain(`HTTP_PORT: ${port} on 127.0.0.1 is in use (EADDRINUSE)`);
      expect(second.stderr()).not.toMatch(/worker started/);
      const status = JSON.parse((await h.cli(['status', '--json'])).out.at(-1) ?? '{}') as { queues: Record<string, Record<string, number>> };
      expect(status.queues.sync).toMatchObject({ waiting: 1, active: 0, completed: 0, failed: 0 });
      expect(countRequests(h.wfm.requests, { api: 'scim' })).toBe(0);

      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
    } finally {
      for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await h.close();
      await dropPrefix(otherPrefix);
    }
  });
});
