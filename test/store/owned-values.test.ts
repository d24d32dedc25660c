import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createOwnedValues } from '../../store/owned-values';
import { REDIS_URL } from '../helpers/harness';

describe('the owned values we last wrote, in Redis', () => {
  const prefix = `okta-wfm-test-${randomBytes(4).toString('hex')}`;
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('keeps the form the WFM stores a value in beside the value sent; read alone answers the values sent', async () => {
    const store = createOwnedValues(redis, `${prefix}:forms`);
    await store.record([
      { oktaId: '00f1', values: { 'name.givenName': 'Zoë 🌟', title: null, displayName: 'Zoë 🌟 Smith' }, forms: { 'name.givenName': 'Zoë ?', displayName: 'Zoë ? Smith', title: 'ignored: nothing was sent' } },
      { oktaId: '00f2', values: { 'name.givenName': 'Bo', title: null, displayName: 'Bo Ek' }, forms: {} },
    ]);
    const records = await store.records(['00f1', '00f2']);
    expect(records.get('00f1')).toEqual({ values: { 'name.givenName': 'Zoë 🌟', title: null, displayName: 'Zoë 🌟 Smith' }, forms: { 'name.givenName': 'Zoë ?', displayName: 'Zoë ? Smith' } });
    expect(records.get('00f2')).toEqual({ values: { 'name.givenName': 'Bo', title: null, displayName: 'Bo Ek' } });
    expect((await store.read(['00f1'])).get('00f1')).toEqual({ 'name.givenName': 'Zoë 🌟', title: null, displayName: 'Zoë 🌟 Smith' });
    // Recorded again without forms (the WFM now holds the values as sent), the forms go.
    await store.record([{ oktaId: '00f1', values: { 'name.givenName': 'Zoë 🌟', title: null, displayName: 'Zoë 🌟 Smith' } }]);
    expect((await store.records(['00f1'])).get('00f1')).toEqual({ values: { 'name.givenName': 'Zoë 🌟', title: null, displayName: 'Zoë 🌟 Smith' } });
  });

  it('reads back what was recorded, null for "not set"; users with no record are absent', async () => {
    const store = createOwnedValues(redis, prefix);
    await store.record([
      { oktaId: '00u1', values: { userName: 'a@example.com', title: null, 'custom.site': 'Lyon' } },
      { oktaId: '00u2', values: { userName: 'b@example.com', title: 'Lead', 'custom.site': null } },
    ]);
    const got = await store.read(['00u1', '00u2', '00u9']);
    expect(Object.fromEntries(got)).toEqual({
      '00u1': { userName: 'a@example.com', title: null, 'custom.site': 'Lyon' },
      '00u2': { userName: 'b@example.com', title: 'Lead', 'custom.site': null },
    });
  });

  it('stores each user as its values only (the paths once per mapping), readable by another process', async () => {
    const raw = await redis.hget(`${prefix}:owned:values`, '00u1');
    const row = JSON.parse(raw ?? '[]') as unknown[];
    expect(row.slice(1)).toEqual(['Lyon', null, 'a@example.com']);
    expect(raw).not.toContain('userName');
    expect(await redis.hlen(`${prefix}:owned:layouts`)).toBe(1);
    expect((await createOwnedValues(redis, prefix).read(['00u1'])).get('00u1')).toMatchObject({ 'custom.site': 'Lyon' });
  });

  it('a later write replaces the record, also under another mapping; many users go in few commands', async () => {
    const store = createOwnedValues(redis, prefix);
    const many = Array.from({ length: 2500 }, (_, i) => ({ oktaId: `00x${i}`, values: { userName: `u${i}@example.com` } }));
    await store.record([...many, { oktaId: '00u1', values: { userName: 'a2@example.com', nickName: 'A' } }]);
    const got = await store.read(['00u1', ...many.map((m) => m.oktaId)]);
    expect(got.get('00u1')).toEqual({ userName: 'a2@example.com', nickName: 'A' });
    expect(got.get('00x2499')).toEqual({ userName: 'u2499@example.com' });
    expect(got.size).toBe(2501);
  });

  it('prune removes the records of users not kept, a chunk at a time, and answers how many', async () => {
    const pruned = `${prefix}:prune`;
    const store = createOwnedValues(redis, pruned);
    const ids = Array.from({ length: 3000 }, (_, i) => `00p${i}`);
    await store.record(ids.map((oktaId) => ({ oktaId, values: { userName: `${oktaId}@example.com` } })));
    const keep = new Set(ids.filter((_, i) => i % 3 === 0));
    const hscan = jest.spyOn(redis, 'hscan');
    const hdel = jest.spyOn(redis, 'hdel');
    try {
      expect(await store.prune(new Set([...keep, '00pNeverRecorded']))).toBe(ids.length - keep.size);
      expect(hscan.mock.calls.length).toBeGreaterThan(1);
      expect(hdel.mock.calls.length).toBeGreaterThan(1);
      expect(Math.max(...hdel.mock.calls.map((args) => args.length - 1))).toBeLessThan(ids.length - keep.size);
    } finally {
      hscan.mockRestore();
      hdel.mockRestore();
    }
    expect(new Set(await redis.hkeys(`${pruned}:owned:values`))).toEqual(keep);
    expect((await store.read(['00p0', '00p1'])).get('00p0')).toEqual({ userName: '00p0@example.com' });
    expect(await store.prune(keep)).toBe(0);
  });

  it('an unreadable record is no record', async () => {
    await redis.hset(`${prefix}:owned:values`, '00u7', 'not json', '00u8', '["unknown-layout","x"]');
    expect((await createOwnedValues(redis, prefix).read(['00u7', '00u8'])).size).toBe(0);
  });
});
