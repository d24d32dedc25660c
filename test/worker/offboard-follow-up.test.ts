import type { Redis } from 'ioredis';
import { loadConfig } from '../../config/load-config';
import { startWorker } from '../../worker/runtime';
import type { Harness } from '../helpers/harness';
import { capturingLogger, type LogEntry } from '../helpers/logger';
import { activeOf, offboardSuite, onDeactivateCall, userTaker } from '../helpers/offboard';
import { waitFor } from '../helpers/wait';

// An incremental run hands a leaver to off-boarding while an off-boarding run is already past its
// Okta pull: coalesced into that run, the leaver would wait for the next OFFBOARD_CRON.
describe('a hand-over that arrives while off-boarding runs', () => {
  let h: Harness;
  const take = userTaker(() => h);
  offboardSuite({ users: 40, seed: 33 }, (s) => ({ h } = s as { h: Harness; redis: Redis }));

  it('is not lost in that run: one more run follows it and deactivates the leaver', async () => {
    const config = loadConfig({
      ...h.env,
      SYNC_CRON: 'off',
      INCREMENTAL_CRON: 'off',
      OFFBOARD_CRON: 'off',
      DEACTIVATION_MAX_COUNT: '50',
      DEACTIVATION_MAX_PERCENT: '100',
      DEACTIVATION_WINDOW: '0',
    });
    const logs: LogEntry[] = [];
    const w = await startWorker(config, capturingLogger(logs), { http: false });
    const [first, second] = take(2) as [string, string];
    let handOver: ReturnType<typeof w.app.deps.requestOffboard> | undefined;
    // The first run's deactivate call comes after its Okta pull: the second user leaves then.
    const unhook = onDeactivateCall(h, (n) => {
      if (n !== 1) return;
      h.okta.state.setStatus(second, 'SUSPENDED');
      handOver = w.app.deps.requestOffboard('left scope in Okta (incremental sync)', [second]);
    });
    try {
      h.okta.state.setStatus(first, 'SUSPENDED');
      await w.app.deps.requestOffboard('left scope in Okta (incremental sync)', [first]);
      await waitFor(() => (activeOf(h, first) === false ? true : undefined), 20000, 'the first leaver deactivated');
      await waitFor(() => (handOver ? true : undefined), 5000, 'the hand-over during the run');
      await handOver;
      await waitFor(() => (activeOf(h, second) === false ? true : undefined), 20000, 'the second leaver deactivated by the run that follows');
      // Two runs: the first, and the one that followed it (its report is kept when it ends).
      const offboards = await waitFor(async () => {
        const runs = (await w.app.deps.history.list()).filter((r) => r.kind === 'offboard' && !r.dryRun);
        return runs.length === 2 ? runs : undefined;
      }, 20000, 'two off-boarding reports');
      expect(offboards.map((r) => r.applied.deactivate)).toEqual([1, 1]);
      const followed = logs.find((e) => e.message === 'off-boarding requested: one more run follows the run in progress');
      expect(followed).toMatchObject({ users: 1, runningRunId: offboards[1]?.runId });
    } finally {
      unhook();
      await w.close();
    }
  });
});

describe('a worker with off-boarding off', () => {
  let h: Harness;
  offboardSuite({ users: 12, seed: 35 }, (s) => ({ h } = s as { h: Harness; redis: Redis }));

  it.each([
    ['without the user-management API', { WFM_API_URL: '', WFM_ACCESS_KEY_ID: '', WFM_ACCESS_KEY_SECRET: '' }, 'the WFM user-management API is not configured'],
    ['with WFM_READ_MODE=lookup (off-boarding reads the listing)', { WFM_READ_MODE: 'lookup' }, 'it needs the WFM user listing'],
  ])('%s: says at start that off-boarding is off, sets no schedule for it, and queues no off-boarding run for a leaver', async (_why, settings, reason) => {
    const config = loadConfig({ ...h.env, ...settings, SYNC_CRON: 'off', INCREMENTAL_CRON: 'off' });
    const logs: LogEntry[] = [];
    const w = await startWorker(config, capturingLogger(logs), { http: false });
    try {
      expect(logs.filter((e) => e.level === 'warn' && String(e.message).startsWith(`off-boarding is off, and has no schedule: ${reason}`))).toHaveLength(1);
      expect(await w.queues.offboarding.getJobSchedulers()).toEqual([]);
      await w.app.deps.requestOffboard('left scope in Okta (incremental sync)', ['00uleaver']);
      expect(logs.find((e) => String(e.message).startsWith('users left scope, and stay active in the WFM'))).toMatchObject({ level: 'warn', users: 1 });
      expect(await w.queues.offboarding.getJobCounts()).toMatchObject({ waiting: 0, active: 0, delayed: 0 });
    } finally {
      await w.close();
    }
  });

  it('warns at start when ALLOW_PLAIN_HTTP lets credentials go in the clear to a host other than loopback', async () => {
    const config = loadConfig({ ...h.env, ALLOW_PLAIN_HTTP: 'true', WFM_SCIM_URL: 'http://wfm.invalid/scim/v2', SYNC_CRON: 'off', INCREMENTAL_CRON: 'off', OFFBOARD_CRON: 'off' });
    const logs: LogEntry[] = [];
    const w = await startWorker(config, capturingLogger(logs), { http: false });
    try {
      expect(logs.filter((e) => String(e.message).startsWith('credentials go over plain http'))).toEqual([expect.objectContaining({ level: 'warn', urls: ['http://wfm.invalid/scim/v2'] })]);
    } finally {
      await w.close();
    }
  });
});
