import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import type { RunReport } from '../../sync/report';
import { startHarness, type Harness } from '../helpers/harness';
import { freePort, startRedisCluster, type RedisCluster } from '../helpers/redis-cluster';
import { waitFor } from '../helpers/wait';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process';

/**
 * REDIS_CLUSTER=true against a real three-master Redis Cluster, reached through a node that does
 * not hold the prefix's slot: every command (ours, BullMQ's scripts and transactions) must follow
 * the cluster's redirection to the node that does.
 */
describe('on a Redis Cluster', () => {
  let h: Harness;
  let cluster: RedisCluster;
  let env: Record<string, string>;
  let worker: WorkerProcess | undefined;
  const prefix = `{okta-wfm-cluster-${process.pid}}`;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    h = await startHarness({ users: 120, seed: 11 });
    env = { REDIS_CLUSTER: 'true', REDIS_URL: await cluster.urlAwayFrom(prefix), QUEUE_PREFIX: prefix };
  }, 60_000);
  afterAll(async () => {
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await h.close();
    await cluster.close();
  });

  it('refuses a prefix without a hash tag, naming QUEUE_PREFIX', async () => {
    const { code, err } = await h.cli(['sync', '--once'], { ...env, QUEUE_PREFIX: 'okta-wfm' });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/QUEUE_PREFIX: must hold a hash tag such as \{okta-wfm\} with REDIS_CLUSTER=true/);
  });

  it('runs a full sync, then finds nothing to change', async () => {
    const expected = inScopeUsers(h.okta.state, h.okta.appId).length;
    const first = await h.cli(['sync', '--once', '--json'], env);
    expect(first.code).toBe(0);
    expect(first.report?.applied.create).toBe(expected);
    const second = await h.cli(['sync', '--once', '--json'], env);
    expect(second.code).toBe(0);
    expect(second.report?.planned).toMatchObject({ create: 0, update: 0, noop: expected });
  });

  it('starts through a list of seeds whose first node is down, asking the next one for the cluster', async () => {
    const expected = inScopeUsers(h.okta.state, h.okta.appId).length;
    const dead = `redis://127.0.0.1:${await freePort()}`;
    const run = await h.cli(['sync', '--once', '--json'], { ...env, REDIS_URL: `${dead},${env.REDIS_URL ?? ''}` });
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.report?.planned).toMatchObject({ create: 0, update: 0, noop: expected });
  });

  it('exits 1 when no seed answers, naming REDIS_URL and each seed without its password', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const { code, err } = await h.cli(['sync', '--once'], { ...env, REDIS_URL: `redis://app:pw-hidden@127.0.0.1:${a},redis://app:pw-hidden@127.0.0.1:${b}` });
    expect(code).toBe(1);
    expect(err).toEqual([
      `okta-wfm-sync: Redis does not answer at REDIS_URL: none of its seeds answers (redis://***@127.0.0.1:${a}, redis://***@127.0.0.1:${b}). Start the cluster's nodes, or set REDIS_URL.`,
    ]);
  });

  it('a worker fans a run out as one queued write per changed user, and stores the report there', async () => {
    // A full-sync scheduler is set up at start (on the cluster too); on 29 February only, so it never fires here.
    worker = spawnWorker({ ...h.env, ...env, LOG_LEVEL: 'info', SYNC_CRON: '0 2 29 2 *', INCREMENTAL_CRON: 'off', OFFBOARD_CRON: 'off' });
    await waitFor(() => (worker?.stderr().includes('worker started') ? true : undefined), 20_000, 'the worker');
    const changed = inScopeUsers(h.okta.state, h.okta.appId).slice(0, 5);
    for (const u of changed) h.okta.state.updateProfile(u.id, { lastName: 'Cluster-Renamed' });
    h.wfm.requests.length = 0;
    const trigger = await h.cli(['trigger', 'resync', '--json'], env);
    const { runId } = JSON.parse(trigger.out.at(-1) ?? '{}') as { runId: string };
    const report = await waitFor(async () => {
      const res = await h.cli(['status', '--json'], env);
      return (JSON.parse(res.out.at(-1) ?? '{}') as { runs?: RunReport[] }).runs?.find((r) => r.runId === runId);
    }, 60_000, 'the run to finish');
    expect(report.failed).toEqual([]);
    expect(report.applied.update).toBe(changed.length);
    expect(countRequests(h.wfm.requests, { method: 'PUT', api: 'scim' })).toBe(changed.length);
    expect(worker.stderr()).toMatch(/"message":"schedule".*"full-sync"|"full-sync".*"message":"schedule"/);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });
});
