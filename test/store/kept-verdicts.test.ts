import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createVerdictStore } from '../../store/kept-verdicts';
import { REDIS_URL } from '../helpers/harness';

describe('what the WFM kept of the values written, in Redis', () => {
  const prefix = `okta-wfm-test-${randomBytes(4).toString('hex')}`;
  const verdictKey = `${prefix}:wfm:kept`;
  const here = { scimUrl: 'https://wfm.example.com/scim/v2', customSchema: 'urn:example:wfm:1.0:User' };
  const shown = { 'enterprise.department': { kept: false, at: 5 }, 'custom.badge': { kept: false, at: 5 } };
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await redis.del(verdictKey);
    await redis.quit();
  });

  it('reads back what it saved, for the same WFM and custom extension URN', async () => {
    await createVerdictStore(redis, prefix).save(here, { verdicts: shown, missing: [] });
    expect(await createVerdictStore(redis, prefix).load(here)).toEqual({ verdicts: shown, missing: [] });
    await createVerdictStore(redis, prefix).save(here, { verdicts: {}, missing: ['custom.badge'] });
    expect(await createVerdictStore(redis, prefix).load(here)).toEqual({ verdicts: {}, missing: ['custom.badge'] });
  });

  it('another WFM_SCIM_URL reads as nothing; another custom extension URN leaves its custom paths out', async () => {
    await createVerdictStore(redis, prefix).save(here, { verdicts: shown, missing: ['enterprise.department', 'custom.badge'] });
    const nothing = { verdicts: {}, missing: [] };
    const withoutCustom = { verdicts: { 'enterprise.department': { kept: false, at: 5 } }, missing: ['enterprise.department'] };
    expect(await createVerdictStore(redis, prefix).load({ ...here, scimUrl: 'https://other.example.com/scim/v2' })).toEqual(nothing);
    expect(await createVerdictStore(redis, prefix).load({ ...here, customSchema: 'urn:example:wfm:2.0:User' })).toEqual(withoutCustom);
    expect(await createVerdictStore(redis, prefix).load({ scimUrl: here.scimUrl })).toEqual(withoutCustom);
  });

  it('keeps what the answers showed of the changes written beside them, for the same WFM, custom paths for the same URN only', async () => {
    const changes = { userName: { kept: false, at: 7 }, 'custom.badge': { kept: false, at: 7 } };
    await createVerdictStore(redis, prefix).save(here, { verdicts: shown, missing: [], changes });
    expect(await createVerdictStore(redis, prefix).load(here)).toEqual({ verdicts: shown, missing: [], changes });
    expect((await createVerdictStore(redis, prefix).load({ scimUrl: here.scimUrl })).changes).toEqual({ userName: { kept: false, at: 7 } });
    expect((await createVerdictStore(redis, prefix).load({ ...here, scimUrl: 'https://other.example.com/scim/v2' })).changes).toBeUndefined();
  });

  it('an unreadable record reads as nothing', async () => {
    const nothing = { verdicts: {}, missing: [] };
    await redis.set(verdictKey, '{not json');
    expect(await createVerdictStore(redis, prefix).load(here)).toEqual(nothing);
    await redis.set(verdictKey, JSON.stringify({ scimUrl: here.scimUrl, verdicts: { x: { kept: 'no' } } }));
    expect(await createVerdictStore(redis, prefix).load(here)).toEqual(nothing);
  });
});
