import { createOktaSource } from '../../clients/okta';
import type { GroupIdCache } from '../../clients/okta-groups';
import { createScimClient } from '../../clients/scim';
import { PROBE_USER_NAME } from '../../clients/scim-listing';
import { createWfmApi } from '../../clients/wfm-api';
import { secretFromValue } from '../../config/secret';
import { startOktaSandbox, type OktaSandbox } from '../../sandbox/okta/server';
import { countRequests, startWfmSandbox, type WfmSandbox } from '../../sandbox/wfm/server';
import { sandboxOktaConfig } from '../helpers/okta-config';

const TOKEN_PATH = '/authentication/v1/token/access-key';

/** The preflight probes of each client: the fewest requests that show a setting works, no writes. */
describe('client probes', () => {
  let wfm: WfmSandbox;
  let okta: OktaSandbox;
  beforeAll(async () => {
    wfm = await startWfmSandbox();
    okta = await startOktaSandbox({ users: 30, seed: 5 });
  });
  afterAll(async () => {
    await Promise.all([wfm.close(), okta.close()]);
  });
  beforeEach(() => {
    wfm.requests.length = 0;
    okta.requests.length = 0;
  });

  const scim = (token = wfm.scimToken) =>
    createScimClient({ scimUrl: wfm.scimUrl, token: secretFromValue(token), pageSize: 100, requestTimeoutMs: 5000, maxRetries: 0 });

  it('the SCIM probe in list mode is one GET /Users with count=1, answering the total', async () => {
    for (let i = 0; i < 3; i += 1) wfm.state.seedUser({ userName: `probe${i}@example.com`, active: true });
    const total = wfm.state.all().length;
    expect(await scim().probe('list')).toEqual({ totalResults: total });
    expect(wfm.requests.map((r) => [r.method, r.path])).toEqual([['GET', '/scim/v2/Users']]);
    expect(new URLSearchParams(wfm.requests[0]?.query).get('count')).toBe('1');
  });

  it('the SCIM probe in lookup mode is one filtered GET /Users for a userName no user has', async () => {
    expect(await scim().probe('lookup')).toEqual({ totalResults: 0 });
    expect(wfm.requests).toHaveLength(1);
    const query = new URLSearchParams(wfm.requests[0]?.query);
    expect(query.get('filter')).toBe(`userName eq "${PROBE_USER_NAME}"`);
    expect(query.get('count')).toBe('1');
  });

  it('the SCIM probe keeps the client\'s message for a refused token, never the token', async () => {
    await expect(scim('wrong-scim-token').probe('list')).rejects.toMatchObject({ kind: 'auth', status: 401, message: expect.stringMatching(/^WFM SCIM GET \/Users answered 401/) as unknown });
    await expect(scim('wrong-scim-token').probe('list')).rejects.not.toThrow(/wrong-scim-token/);
  });

  it('the WFM API probe asks for a new token each time, and calls nothing else', async () => {
    const api = createWfmApi({ apiUrl: wfm.apiUrl, accessKeyId: wfm.accessKeyId, accessKeySecret: secretFromValue(wfm.accessKeySecret), requestTimeoutMs: 5000, maxRetries: 0 });
    await api.probe();
    await api.probe();
    expect(countRequests(wfm.requests, { pathPrefix: TOKEN_PATH })).toBe(2);
    expect(wfm.requests).toHaveLength(2);
    const refused = createWfmApi({ apiUrl: wfm.apiUrl, accessKeyId: wfm.accessKeyId, accessKeySecret: secretFromValue('wrong-secret'), requestTimeoutMs: 5000, maxRetries: 0 });
    await expect(refused.probe()).rejects.toThrow(/^WFM API refused the access key .*check WFM_ACCESS_KEY_ID and WFM_ACCESS_KEY_SECRET$/);
  });

  it('the Okta scope probe reads one app user: one GET with limit=1', async () => {
    const source = createOktaSource(sandboxOktaConfig(okta));
    expect(await source.probeScope()).toEqual({ scope: 'app', appId: okta.appId });
    expect(okta.requests.map((r) => [r.method, r.path, r.query.limit])).toEqual([['GET', `/api/v1/apps/${okta.appId}/users`, '1']]);
  });

  it('the Okta probes resolve group names without reading or writing the group id cache', async () => {
    const touched: string[] = [];
    const cache: GroupIdCache = {
      get: async (name) => {
        touched.push(`get ${name}`);
        return undefined;
      },
      set: async (name) => {
        touched.push(`set ${name}`);
      },
      forget: async (name) => {
        touched.push(`forget ${name}`);
      },
    };
    const agents = okta.state.groupByName('WFM Agents')?.id ?? '';
    const source = createOktaSource(sandboxOktaConfig(okta, { scopeGroups: ['WFM Supervisors', agents], supervisorGroups: ['WFM Supervisors', 'No Such Group'], groupIdCache: cache }));
    const scope = await source.probeScope();
    expect(scope).toEqual({
      scope: 'groups',
      groups: [
        { name: 'WFM Supervisors', setting: 'OKTA_GROUPS', ids: [okta.state.groupByName('WFM Supervisors')?.id] },
        { name: agents, setting: 'OKTA_GROUPS', ids: [agents] },
      ],
    });
    const memberPages = okta.requests.filter((r) => /^\/api\/v1\/groups\/[^/]+\/users$/.test(r.path));
    expect(memberPages.map((r) => r.query.limit)).toEqual(['1', '1']);
    expect(await source.probeGroups()).toEqual([
      { name: 'WFM Supervisors', setting: 'SUPERVISOR_GROUPS', ids: [okta.state.groupByName('WFM Supervisors')?.id] },
      { name: 'No Such Group', setting: 'SUPERVISOR_GROUPS', problem: 'SUPERVISOR_GROUPS: Okta has no group named "No Such Group"; name the group as Okta has it, or set SUPERVISOR_GROUPS=off when no group gives the supervisor role' },
    ]);
    expect(touched).toEqual([]);
    expect(okta.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('an Okta group id no group has is a problem naming its setting', async () => {
    const source = createOktaSource(sandboxOktaConfig(okta, { scopeGroups: ['00g00000000000000000'], supervisorGroups: ['00g00000000000000001'] }));
    expect(await source.probeScope()).toEqual({
      scope: 'groups',
      groups: [{ name: '00g00000000000000000', setting: 'OKTA_GROUPS', problem: 'OKTA_GROUPS: Okta has no group with id "00g00000000000000000"' }],
    });
    expect(await source.probeGroups()).toEqual([
      { name: '00g00000000000000001', setting: 'SUPERVISOR_GROUPS', problem: 'SUPERVISOR_GROUPS: Okta has no group with id "00g00000000000000001"' },
    ]);
  });
});
