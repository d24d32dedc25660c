import { formatDuration, parseDuration } from '../../config/duration';
import { ConfigError, loadConfig } from '../../config/load-config';
import { validEnv } from '../helpers/env';

const problems = (env: Record<string, string | undefined>): readonly string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('off-boarding settings', () => {
  it('default to batches of 50, 10%, 50 users, no grace and a window of a day', () => {
    expect(loadConfig(validEnv()).offboard).toEqual({ batchSize: 50, maxPercent: 10, maxCount: 50, graceMs: 0, windowMs: 24 * 3_600_000 });
  });

  it('are read from the environment', () => {
    const cfg = loadConfig(validEnv({ WFM_DEACTIVATE_BATCH: '20', DEACTIVATION_MAX_PERCENT: '5', DEACTIVATION_MAX_COUNT: '200', OFFBOARD_GRACE: '4h', DEACTIVATION_WINDOW: '0' }));
    expect(cfg.offboard).toEqual({ batchSize: 20, maxPercent: 5, maxCount: 200, graceMs: 4 * 3_600_000, windowMs: 0 });
  });

  it.each([
    ['WFM_DEACTIVATE_BATCH', '0', 'WFM_DEACTIVATE_BATCH: must be between 1 and 100'],
    ['WFM_DEACTIVATE_BATCH', '101', 'WFM_DEACTIVATE_BATCH: must be between 1 and 100'],
    ['DEACTIVATION_MAX_PERCENT', '150', 'DEACTIVATION_MAX_PERCENT: must be between 0 and 100'],
    ['DEACTIVATION_MAX_COUNT', 'many', 'DEACTIVATION_MAX_COUNT: must be a whole number'],
    ['OFFBOARD_GRACE', '4', 'OFFBOARD_GRACE: must be 0 or a duration such as 30m, 4h or 2d'],
    ['OFFBOARD_GRACE', '4 hours', 'OFFBOARD_GRACE: must be 0 or a duration such as 30m, 4h or 2d'],
    ['DEACTIVATION_WINDOW', '1 day', 'DEACTIVATION_WINDOW: must be 0 or a duration such as 30m, 4h or 2d'],
  ])('%s=%s is refused naming the setting', (name, value, problem) => {
    expect(problems(validEnv({ [name]: value }))).toContain(problem);
  });
});

describe('durations', () => {
  it.each<[string, number | undefined]>([
    ['0', 0],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['4h', 14_400_000],
    [' 2d ', 172_800_000],
    ['4', undefined],
    ['-1h', undefined],
    ['1.5h', undefined],
    ['h', undefined],
    ['', undefined],
  ])('%j -> %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('prints the shortest exact form', () => {
    expect([0, 90_000, 14_400_000, 172_800_000, 1500].map(formatDuration)).toEqual(['0', '90s', '4h', '2d', '1500ms']);
  });
});

describe('the WFM user-management API settings', () => {
  const NO_API = { WFM_API_URL: undefined, WFM_ACCESS_KEY_ID: undefined, WFM_ACCESS_KEY_SECRET: undefined };

  it('all three: the API is configured, and the off-boarding schedule kept', () => {
    const cfg = loadConfig(validEnv());
    expect(cfg.wfm.api).toMatchObject({ url: 'https://api.example.com', accessKeyId: 'key-id' });
    expect(cfg.worker.schedules.offboard).toBe('0 * * * *');
  });

  it('with WFM_READ_MODE=lookup: the API is configured, but off-boarding (which reads the listing) has no schedule', () => {
    const cfg = loadConfig(validEnv({ WFM_READ_MODE: 'lookup' }));
    expect(cfg.wfm.api).toBeDefined();
    expect(cfg.worker.schedules.offboard).toBeUndefined();
    expect(cfg.worker.schedules['full-sync']).toBeDefined();
  });

  it('none of them: no API, and no off-boarding schedule (a SCIM-only WFM)', () => {
    const cfg = loadConfig(validEnv(NO_API));
    expect(cfg.wfm.api).toBeUndefined();
    expect(cfg.worker.schedules.offboard).toBeUndefined();
    expect(cfg.worker.schedules['full-sync']).toBeDefined();
  });

  it.each([
    [{ WFM_ACCESS_KEY_ID: undefined }, ['WFM_ACCESS_KEY_ID: is required with WFM_API_URL and WFM_ACCESS_KEY_SECRET']],
    [{ WFM_ACCESS_KEY_SECRET: undefined }, ['WFM_ACCESS_KEY_SECRET: is required with WFM_API_URL and WFM_ACCESS_KEY_ID (or WFM_ACCESS_KEY_SECRET_FILE)']],
    [{ WFM_API_URL: undefined, WFM_ACCESS_KEY_SECRET: undefined }, ['WFM_API_URL: is required with WFM_ACCESS_KEY_ID', 'WFM_ACCESS_KEY_SECRET: is required with WFM_ACCESS_KEY_ID (or WFM_ACCESS_KEY_SECRET_FILE)']],
  ])('some of them (%o) are refused, naming what is missing', (over, expected) => {
    const found = problems(validEnv(over));
    expect(found).toHaveLength(expected.length);
    expected.forEach((start, i) => expect(found[i]).toMatch(new RegExp(`^${start.replace(/[()]/g, '\\$&')}; leave all three unset`)));
  });
});
