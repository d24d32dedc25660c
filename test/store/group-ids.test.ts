import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createGroupIdCache, GROUP_IDS_TTL_MS } from '../../store/group-ids';
import { REDIS_URL } from '../helpers/harness';

describe('the group id cache in Redis', () => {
  const prefix = `okta-wfm-test-${randomBytes(4).toString('hex')}`;
  const hashKey = `${prefix}:okta:group-ids`;
  let redis: Redis;
  let now = 1_700_000_000_000;
  const cache = () => createGroupIdCache(redis, prefix, { now: () => now });

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await redis.del(hashKey);
    await redis.quit();
  });

  it('keeps the ids of a name under <prefix>:okta:group-ids, and forgets them', async () => {
    await cache().set('WFM Supervisors', ['00g1emaKYZTWRYYRRTSK', '00gak46y5hydV6NdM0g4']);
    expect(await createGroupIdCache(redis, prefix, { now: () => now }).get('WFM Supervisors')).toEqual(['00g1emaKYZTWRYYRRTSK', '00gak46y5hydV6NdM0g4']);
    expect(JSON.parse((await redis.hget(hashKey, 'WFM Supervisors')) ?? 'null')).toEqual({ ids: ['00g1emaKYZTWRYYRRTSK', '00gak46y5hydV6NdM0g4'], at: now });
    expect(await cache().get('Team Leads')).toBeUndefined();
    await cache().forget('WFM Supervisors');
    expect(await cache().get('WFM Supervisors')).toBeUndefined();
    expect(await redis.hexists(hashKey, 'WFM Supervisors')).toBe(0);
  });

  it('an entry is trusted for a week from when it was set, longer than a daily full sync', async () => {
    await cache().set('Night Shift', ['00g00000000000000001']);
    expect(GROUP_IDS_TTL_MS).toBeGreaterThan(24 * 3600 * 1000 + 3600 * 1000);
    now += GROUP_IDS_TTL_MS - 1;
    expect(await cache().get('Night Shift')).toEqual(['00g00000000000000001']);
    now += 1;
    expect(await cache().get('Night Shift')).toBeUndefined();
    await cache().set('Night Shift', ['00g00000000000000002']);
    expect(await cache().get('Night Shift')).toEqual(['00g00000000000000002']);
  });

  it.each([
    ['not JSON', 'not json'],
    ['no ids', JSON.stringify({ ids: [], at: 1_700_000_000_000 })],
    ['no time', JSON.stringify({ ids: ['00g00000000000000001'] })],
    ['a time in the future', JSON.stringify({ ids: ['00g00000000000000001'], at: 1_900_000_000_000 })],
  ])('an unreadable entry (%s) reads as absent', async (_name, raw) => {
    await redis.hset(hashKey, 'Broken', raw);
    expect(await cache().get('Broken')).toBeUndefined();
  });
});
