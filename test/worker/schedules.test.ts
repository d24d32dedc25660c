import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { loadConfig } from '../../config/load-config';
import { HttpListenError } from '../../worker/http';
import { createLogger } from '../../worker/logger';
import { createQueues } from '../../worker/queues';
import { startWorker } from '../../worker/runtime';
import { applySchedules } from '../../worker/schedules';
import { validEnv } from '../helpers/env';
import { dropPrefix, REDIS_URL } from '../helpers/harness';

describe('job schedulers', () => {
  const prefix = `okta-wfm-test-${randomBytes(4).toString('hex')}`;
  const config = (overrides: Record<string, string>) => loadConfig(validEnv({ REDIS_URL, QUEUE_PREFIX: prefix, ...overrides }));
  afterAll(async () => {
    await dropPrefix(prefix);
  });

  /** The schedulers Redis holds, after applying those of `overrides` unless `apply` is false. */
  async function schedulers(overrides: Record<string, string>, apply = true) {
    const queues = createQueues(config(overrides));
    try {
      if (apply) await applySchedules(queues, config(overrides));
      const [sync, offboarding] = await Promise.all([queues.sync.getJobSchedulers(), queues.offboarding.getJobSchedulers()]);
      return [...sync, ...offboarding].map((s) => ({ id: s.key, pattern: s.pattern, tz: s.tz })).sort((a, b) => a.id.localeCompare(b.id));
    } finally {
      await queues.close();
    }
  }

  it('upserts one scheduler per kind with the defaults, and a restart keeps exactly one each', async () => {
    const expected = [
      { id: 'schedule.full-sync', pattern: '0 2 * * *', tz: 'UTC' },
      { id: 'schedule.incremental-sync', pattern: '*/5 * * * *', tz: 'UTC' },
      { id: 'schedule.offboard', pattern: '0 * * * *', tz: 'UTC' },
    ];
    expect(await schedulers({})).toEqual(expected);
    expect(await schedulers({})).toEqual(expected);
  });

  it('updates a changed cron and removes a schedule turned off', async () => {
    expect(await schedulers({ SYNC_CRON: '30 3 * * *', SYNC_TZ: 'Europe/Paris', INCREMENTAL_CRON: 'off' })).toEqual([
      { id: 'schedule.full-sync', pattern: '30 3 * * *', tz: 'Europe/Paris' },
      { id: 'schedule.offboard', pattern: '0 * * * *', tz: 'Europe/Paris' },
    ]);
  });

  it('a worker that cannot listen on HTTP_PORT (taken) leaves the schedules as they were', async () => {
    const before = await schedulers({});
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const changed = config({ HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port), SYNC_CRON: '30 3 * * *', INCREMENTAL_CRON: 'off' });
      const started = startWorker(changed, createLogger({ level: 'error', pretty: false }));
      await expect(started).rejects.toThrow(HttpListenError);
      await expect(started).rejects.toThrow(/HTTP_PORT: \d+ on 127\.0\.0\.1 is in use \(EADDRINUSE\)/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    expect(await schedulers({}, false)).toEqual(before);
    expect(before.map((s) => s.id)).toContain('schedule.incremental-sync');
  });

  it('refuses a bad cron or time zone, naming the setting', () => {
    expect(() => config({ SYNC_CRON: 'daily' })).toThrow(/SYNC_CRON: must be a cron expression/);
    expect(() => config({ SYNC_TZ: 'Mars/Olympus' })).toThrow(/SYNC_TZ: must be an IANA time zone/);
  });
});
