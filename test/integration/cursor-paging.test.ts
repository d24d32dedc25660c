import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import { startHarness, type Harness } from '../helpers/harness';

const writes = (h: Harness): number => countRequests(h.wfm.requests, { method: ['POST', 'PUT'], api: 'scim' });
/** The listing's requests: GET /Users without an id. */
const listings = (h: Harness): string[] => h.wfm.requests.filter((r) => r.method === 'GET' && r.path === '/scim/v2/Users').map((r) => r.query);

/**
 * A WFM that pages by cursor alone (RFC 9865), as IAM Identity Center does: startIndex is not read
 * and a listing asked without `cursor` is its first page, announcing that page's length. Read as
 * that first page alone, the users past it would look missing: created again every run (409, then
 * a lookup) and never off-boarded.
 */
describe('a WFM that pages by cursor alone', () => {
  const PAGE = 10;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ users: 60, seed: 23, wfmPageSize: PAGE, wfm: { pagination: 'cursor' } });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.wfm.requests.length = 0;
  });

  it('a second run sees every user the first created, and writes nothing', async () => {
    const expected = inScopeUsers(h.okta.state, h.okta.appId).length;
    expect(expected).toBeGreaterThan(2 * PAGE);
    const first = await h.cli(['sync', '--once', '--json']);
    expect(first.code).toBe(0);
    expect(first.report?.applied.create).toBe(expected);
    h.wfm.requests.length = 0;
    const second = await h.cli(['sync', '--once', '--json']);
    expect(second.code).toBe(0);
    expect(second.report?.planned).toMatchObject({ create: 0, update: 0, noop: expected });
    expect(writes(h)).toBe(0);
    // Two pages by startIndex (the second answering the first again), then every page by cursor once.
    const asked = listings(h);
    expect(asked.slice(0, 3)).toEqual([`startIndex=1&count=100`, `startIndex=${PAGE + 1}&count=100`, 'cursor=&count=100']);
    expect(asked).toHaveLength(2 + Math.ceil(expected / PAGE));
  });
});
