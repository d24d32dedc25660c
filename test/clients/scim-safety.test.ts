import { SyncError } from '../../clients/errors';
import type { HttpClient, HttpRequest } from '../../clients/http';
import { createScimClient, type ScimClient } from '../../clients/scim';
import { createWfmApi } from '../../clients/wfm-api';
import { secretFromValue } from '../../config/secret';
import { startWfmSandbox, type WfmSandbox } from '../../sandbox/wfm/server';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const user = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [CORE],
  userName,
  name: { givenName: 'Given', familyName: 'Family' },
  emails: [{ value: userName, type: 'work', primary: true }],
  active: true,
  ...extra,
});

/** Logins and ids built to widen an unescaped `userName eq "..."` filter to someone else. */
const CRAFTED = [
  'x" or userName eq "victim@example.com',
  'x" or userName pr or userName eq "y',
  'victim@example.com" or "a" eq "a',
  'victim@example.com\\',
  '\\" or userName sw "v',
  'x") or (userName co "victim',
  'VICTIM@EXAMPLE.COM"',
];

describe('SCIM filters and paths cannot be turned against another user', () => {
  let wfm: WfmSandbox;
  let scim: ScimClient;
  let victimId: string;
  beforeAll(async () => {
    wfm = await startWfmSandbox({ maxPageSize: 5 });
    victimId = String(wfm.state.seedUser(user('victim@example.com', { externalId: '00uvictim' })).id);
    scim = createScimClient({ scimUrl: wfm.scimUrl, token: secretFromValue(wfm.scimToken), pageSize: 5, requestTimeoutMs: 5000, maxRetries: 0 });
  });
  afterAll(() => wfm.close());
  beforeEach(() => {
    wfm.requests.length = 0;
  });

  it.each(CRAFTED)('a crafted value matches nobody, by userName or by externalId: %s', async (crafted) => {
    expect(await scim.findByUserName(crafted)).toEqual([]);
    expect(await scim.findByExternalId(crafted)).toEqual([]);
    expect(wfm.requests.map((r) => r.status)).toEqual([200, 200]); // each filter parsed as one value
  });

  it('results are checked again locally: a WFM that ignores the filter hands back nobody else', async () => {
    const victim = wfm.state.get(victimId);
    const ignoresFilters: HttpClient = {
      request: async (_req: HttpRequest) => ({
        status: 200,
        headers: {},
        body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, Resources: [victim] },
      }),
      stats: () => ({ requests: 0, retries: 0, byStatus: {} }),
    };
    const careless = createScimClient({ scimUrl: wfm.scimUrl, token: secretFromValue('unused'), pageSize: 5, requestTimeoutMs: 5000, maxRetries: 0 }, ignoresFilters);
    expect(await careless.findByUserName('attacker@example.com')).toEqual([]);
    expect(await careless.findByExternalId('00uattacker')).toEqual([]);
    expect((await careless.findByUserName('VICTIM@example.com')).map((u) => u.id)).toEqual([victimId]);
  });

  it('URL-encodes ids in every path: get, replace and revive of ../x stay inside their segment', async () => {
    const api = createWfmApi({ apiUrl: wfm.apiUrl, accessKeyId: wfm.accessKeyId, accessKeySecret: secretFromValue(wfm.accessKeySecret), requestTimeoutMs: 5000, maxRetries: 0 });
    const before = JSON.stringify(wfm.state.all());
    await expect(scim.get('../x')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(scim.replace(`../${victimId}`, user('victim@example.com', { displayName: 'Hijacked' }))).rejects.toMatchObject({ kind: 'not-found' });
    await expect(api.revive(`../../scim/v2/Users/${victimId}`)).rejects.toMatchObject({ status: 404 });
    await expect(scim.get('a?b#c')).rejects.toMatchObject({ kind: 'not-found' });
    expect(wfm.requests.filter((r) => r.api !== 'user-management' || r.path.includes('revive')).map((r) => `${r.method} ${r.path}${r.query ? `?${r.query}` : ''}`)).toEqual([
      'GET /scim/v2/Users/..%2Fx',
      `PUT /scim/v2/Users/..%2F${victimId}`,
      `POST /user-management/v1/users/..%2F..%2Fscim%2Fv2%2FUsers%2F${victimId}/revive`,
      'GET /scim/v2/Users/a%3Fb%23c',
    ]);
    expect(JSON.stringify(wfm.state.all())).toBe(before);
  });

  it.each([['.'], ['..'], ['']])('refuses the id %p, which URL parsing would resolve to another path, before sending anything', async (id) => {
    const api = createWfmApi({ apiUrl: wfm.apiUrl, accessKeyId: wfm.accessKeyId, accessKeySecret: secretFromValue(wfm.accessKeySecret), requestTimeoutMs: 5000, maxRetries: 0 });
    for (const call of [() => scim.get(id), () => scim.replace(id, user('victim@example.com')), () => api.revive(id)]) {
      const err: unknown = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SyncError);
      expect(err).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/cannot be used in a URL path/) });
    }
    expect(wfm.requests).toEqual([]);
  });
});
