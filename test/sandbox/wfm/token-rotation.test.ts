import axios from 'axios';
import type { Harness } from './helpers';
import { startHarness } from './helpers';

describe('sandbox WFM: rotating the accepted SCIM token (test switch)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ scimToken: 'token-a' });
  });
  afterAll(() => h.sandbox.close());
  const as = (token: string) => axios.get(`${h.sandbox.scimUrl}/Users`, { headers: { authorization: `Bearer ${token}` }, validateStatus: () => true });

  it('accepts both tokens while a rotation overlaps, then the new one alone, from the next request on', async () => {
    expect((await as('token-a')).status).toBe(200);
    expect((await as('token-b')).status).toBe(401);
    h.sandbox.setScimTokens(['token-a', 'token-b']);
    expect([(await as('token-a')).status, (await as('token-b')).status]).toEqual([200, 200]);
    h.sandbox.setScimTokens(['token-b']);
    expect([(await as('token-a')).status, (await as('token-b')).status]).toEqual([401, 200]);
    expect(h.sandbox.scimToken).toBe('token-b');
  });

  it('POST /_sandbox/scim-tokens does the same, authenticated with a token accepted before', async () => {
    const res = await axios.post(`${h.sandbox.url}/_sandbox/scim-tokens`, { tokens: ['token-c'] }, { headers: { authorization: 'Bearer token-b' }, validateStatus: () => true });
    expect(res.status).toBe(200);
    expect([(await as('token-b')).status, (await as('token-c')).status]).toEqual([401, 200]);
    expect(() => h.sandbox.setScimTokens([])).toThrow(/at least one/);
  });
});
