import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../config/load-config';
import { createQueues } from '../../worker/queues';
import { applySchedules } from '../../worker/schedules';
import { validEnv } from '../helpers/env';
import { dropPrefix, REDIS_URL } from '../helpers/harness';

describe('job schedulers', () => {
  const prefix = `okta-wfm-test-${randomBytes(4).toString('hex')}`;
  const config = (overrides: Record<string, string>) => loadConfig(validEnv({ REDIS_URL, QUEUE_PREFIX: prefix, ...overrides }));
  afterAll(async () => {
    await dropPrefix(prefix);
  });

  async function schedulers(overrides: Record<string, string>) {
    const queues = createQueues(config(overrides));
    try {
      await applySchedules(queues, config(overrides));
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

  it('refuses a bad cron or time zone, naming the setting', () => {
    expect(() => config({ SYNC_CRON: 'daily' })).toThrow(/SYNC_CRON: must be a cron expression/);
    expect(() => config({ SYNC_TZ: 'Mars/Olympus' })).toThrow(/SYNC_TZ: must be an IANA time zone/);
  });
});
