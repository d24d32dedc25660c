import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '../../config/load-config';
import { runCli } from '../../worker/cli';
import { createQueues } from '../../worker/queues';
import { applySchedules } from '../../worker/schedules';
import { validEnv } from '../helpers/env';
import { REDIS_URL } from '../helpers/harness';

/** `status` after a worker set its schedules: when the next runs come, and what the delayed jobs are. */
describe('status shows the schedules a worker left in Redis', () => {
  const prefix = `okta-wfm-test-${randomBytes(4).toString('hex')}`;
  const env = validEnv({ REDIS_URL, QUEUE_PREFIX: prefix, SYNC_CRON: '30 3 * * *', INCREMENTAL_CRON: 'off', OFFBOARD_CRON: '15 * * * *', SYNC_TZ: 'Europe/Paris' });
  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const status = async (args: string[] = []) => {
    const out: string[] = [];
    const code = await runCli(['status', ...args], { env, stdout: (l) => out.push(l), stderr: () => undefined });
    return { code, out };
  };

  it('before any worker started: none', async () => {
    const { code, out } = await status();
    expect(code).toBe(0);
    expect(out.slice(0, 4)).toEqual([
      'Schedules (a worker sets them from SYNC_CRON, INCREMENTAL_CRON and OFFBOARD_CRON when it starts):',
      '  full-sync         none',
      '  incremental-sync  none',
      '  offboard          none',
    ]);
  });

  it('once set: each cron with its time zone and next time; a cron set to off shows none; --json has them too', async () => {
    const config = loadConfig(env);
    const queues = createQueues(config);
    try {
      await applySchedules(queues, config);
    } finally {
      await queues.close();
    }
    const { out } = await status();
    expect(out[1]).toMatch(/^ {2}full-sync {9}30 3 \* \* \* \(Europe\/Paris\), next at \d{4}-\d\d-\d\dT0[12]:30:00\.000Z$/);
    expect(out[2]).toBe('  incremental-sync  none');
    expect(out[3]).toMatch(/^ {2}offboard {10}15 \* \* \* \* \(Europe\/Paris\), next at \d{4}-\d\d-\d\dT\d\d:15:00\.000Z$/);
    expect(out[4]).toContain('delayed: the next scheduled runs, writes waiting to retry');
    const json = JSON.parse((await status(['--json'])).out[0] ?? '') as { schedules: unknown[] };
    expect(json.schedules).toEqual([
      { kind: 'full-sync', pattern: '30 3 * * *', tz: 'Europe/Paris', next: expect.stringMatching(/T0[12]:30:00\.000Z$/) as unknown },
      { kind: 'incremental-sync' },
      { kind: 'offboard', pattern: '15 * * * *', tz: 'Europe/Paris', next: expect.stringMatching(/:15:00\.000Z$/) as unknown },
    ]);
  });
});
