import { createWfmApi, type WfmApiConfig } from '../../clients/wfm-api';
import { secretFromValue } from '../../config/secret';
import { countRequests, startWfmSandbox, type WfmSandbox } from '../../sandbox/wfm/server';

const TOKEN_PATH = '/authentication/v1/token/access-key';
const DEACTIVATE_PATH = '/user-management/v1/users/deactivate';

describe('the WFM user-management API client against the sandbox WFM', () => {
  let wfm: WfmSandbox;
  let ids: string[];
  beforeAll(async () => {
    wfm = await startWfmSandbox();
  });
  afterAll(() => wfm.close());
  beforeEach(() => {
    wfm.state.clear();
    wfm.requests.length = 0;
    wfm.faults.failDeactivateIds = [];
    ids = [1, 2, 3].map((n) => String(wfm.state.seedUser({ userName: `u${n}@example.com`, active: true }).id));
  });
  const api = (over: Partial<WfmApiConfig> = {}) =>
    createWfmApi({ apiUrl: wfm.apiUrl, accessKeyId: wfm.accessKeyId, accessKeySecret: secretFromValue(wfm.accessKeySecret), requestTimeoutMs: 5000, maxRetries: 2, ...over });
  const tokens = (): number => countRequests(wfm.requests, { pathPrefix: TOKEN_PATH });
  const calls = (status?: number): number => countRequests(wfm.requests, { pathPrefix: DEACTIVATE_PATH, ...(status ? { status } : {}) });

  it('fetches the token once and reuses it', async () => {
    const client = api();
    await client.deactivate([ids[0] ?? '']);
    await client.deactivate([ids[1] ?? '']);
    await client.revive(ids[0] ?? '');
    expect(tokens()).toBe(1);
    expect(wfm.state.get(ids[1] ?? '')?.active).toBe(false);
    expect(wfm.state.get(ids[0] ?? '')?.active).toBe(true);
  });

  it('renews the token a minute before it expires, before the WFM refuses it', async () => {
    let now = 1_000_000;
    const client = api({ now: () => now });
    await client.deactivate([ids[0] ?? '']);
    now += 3600_000 - 61_000;
    await client.deactivate([ids[1] ?? '']);
    expect(tokens()).toBe(1);
    now += 2_000; // 59 s before expiry
    await client.deactivate([ids[2] ?? '']);
    expect(tokens()).toBe(2);
    expect(calls(401)).toBe(0);
  });

  it('renews once on a 401 (a token that expired early) and the call succeeds', async () => {
    const client = api();
    await client.deactivate([ids[0] ?? '']);
    wfm.state.expireTokens();
    await expect(client.deactivate([ids[1] ?? ''])).resolves.toEqual({ notDeactivated: [], listed: true });
    expect(tokens()).toBe(2);
    expect(calls(401)).toBe(1);
    expect(calls(200)).toBe(2);
  });

  it('renews only once: a WFM that keeps refusing fresh tokens fails the call as an auth error', async () => {
    const push = wfm.requests.push.bind(wfm.requests);
    // Every token the sandbox issued expires the moment a deactivate call arrives.
    wfm.requests.push = (...entries) => {
      if (entries.some((e) => e.path === DEACTIVATE_PATH)) wfm.state.expireTokens();
      return push(...entries);
    };
    try {
      const err: unknown = await api().deactivate([ids[0] ?? '']).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'auth', status: 401 });
      expect(tokens()).toBe(2);
      expect(calls(401)).toBe(2);
    } finally {
      wfm.requests.push = push;
    }
  });

  it('answers the ids the WFM did not deactivate, per id', async () => {
    wfm.faults.failDeactivateIds = [ids[1] ?? ''];
    const result = await api().deactivate([...ids, 'no-such-user']);
    expect(result.notDeactivated.sort()).toEqual([ids[1], 'no-such-user'].sort());
    expect(ids.map((id) => wfm.state.get(id)?.active)).toEqual([false, true, false]);
  });

  it('a refused access key is an auth error naming the settings, not a network error, and is not retried', async () => {
    const err: unknown = await api({ accessKeySecret: secretFromValue('wrong') }).deactivate([ids[0] ?? '']).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth', service: 'wfm-api' });
    expect(String(err)).toContain('check WFM_ACCESS_KEY_ID and WFM_ACCESS_KEY_SECRET');
    expect(tokens()).toBe(1);
    expect(calls()).toBe(0);
  });

  it('never uses SCIM to deactivate', async () => {
    await api().deactivate(ids);
    expect(countRequests(wfm.requests, { api: 'scim' })).toBe(0);
  });
});
