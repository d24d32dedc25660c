import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import { startHarness, type Harness } from '../helpers/harness';

const writes = (h: Harness): number => countRequests(h.wfm.requests, { method: ['POST', 'PUT'], api: 'scim' });

/** A WFM deployment that lists no users without a filter (WFM-API.md): the listing's refusal names the setting that reads users one by one. */
describe('a WFM that lists no users without a filter', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ users: 40, seed: 21, wfm: { filterRequired: true } });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.wfm.requests.length = 0;
  });

  it('with the default listing, the run stops before any write and says to set WFM_READ_MODE=lookup', async () => {
    const { code, report } = await h.cli(['sync', '--once', '--json']);
    expect(code).toBe(1);
    expect(report?.error).toMatch(/answered 400 \(invalidFilter\).*a filter is required; if this WFM lists no users without a filter, set WFM_READ_MODE=lookup/);
    expect(writes(h)).toBe(0);
  });

  it('with WFM_READ_MODE=lookup, every in-scope user is created, then a second run writes nothing', async () => {
    const expected = inScopeUsers(h.okta.state, h.okta.appId).length;
    const first = await h.cli(['sync', '--once', '--json'], { WFM_READ_MODE: 'lookup' });
    expect(first.code).toBe(0);
    expect(first.report?.applied.create).toBe(expected);
    // Every user looked up by filter, none refused.
    expect(countRequests(h.wfm.requests, { method: 'GET', api: 'scim' })).toBeGreaterThanOrEqual(expected);
    expect(countRequests(h.wfm.requests, { api: 'scim', status: 400 })).toBe(0);
    h.wfm.requests.length = 0;
    const second = await h.cli(['sync', '--once', '--json'], { WFM_READ_MODE: 'lookup' });
    expect(second.code).toBe(0);
    expect(second.report?.planned).toMatchObject({ create: 0, update: 0, noop: expected });
    expect(writes(h)).toBe(0);
  });
});
