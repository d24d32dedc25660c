import type { OktaFaults } from '../../sandbox/okta/server';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import type { Harness } from '../helpers/harness';
import { waitFor } from '../helpers/wait';
import { CONVERGED, divergence } from './helpers/converge';
import { appUsersPath, onRequest, startTwoPageHarness } from './helpers/okta-pull';

/** Arms `faults` once, when the first page of the app's users has been answered: the next Okta call meets them. */
function armAfterFirstPage(h: Harness, faults: Partial<OktaFaults>): () => void {
  let armed = false;
  return onRequest(h.okta, (e) => {
    if (armed || e.path !== appUsersPath(h) || e.status !== 200) return;
    armed = true;
    h.okta.setFaults(faults);
  });
}

/** The statuses of the requests for the app's second page, once n are logged (a connection closed unanswered logs as it closes). */
const secondPages = (h: Harness, n: number): Promise<number[]> =>
  waitFor(() => {
    const seen = h.okta.requests.filter((r) => r.path === appUsersPath(h) && r.query.after !== undefined);
    return seen.length >= n ? seen.map((r) => r.status) : undefined;
  }, 10000, `${n} requests for the second page`);

/** The shortest OKTA_TIMEOUT_MS the settings accept: a held request times out after a second. */
const FAST = { OKTA_TIMEOUT_MS: '1000', WFM_MAX_RPS: '1000', WFM_CONCURRENCY: '8' };

describe('Okta network faults: a timed-out or dropped request is retried; for good, the run stops before any write', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startTwoPageHarness(63);
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.okta.resetFaults();
    h.okta.requests.length = 0;
    h.wfm.requests.length = 0;
  });

  it('a request that times out and one whose connection is dropped, mid-pull, are retried: the run completes with exactly the writes due', async () => {
    expect(h.okta.state.appUsers(h.okta.appId).length).toBeGreaterThan(500);
    const expected = inScopeUsers(h.okta.state, h.okta.appId).length;
    expect(h.wfm.state.size()).toBe(0);
    // The second page: held past OKTA_TIMEOUT_MS, then its retry dropped, then its second retry answered.
    const stop = armAfterFirstPage(h, { hangNext: 1, hangMs: 60000, dropNext: 1 });
    const { code, report } = await h.cli(['sync', '--once', '--json'], FAST).finally(stop);
    expect(h.okta.faults).toMatchObject({ hangNext: 0, dropNext: 0 });
    expect(await secondPages(h, 3)).toEqual([0, 0, 200]);
    expect(h.okta.requests.filter((r) => r.path === appUsersPath(h) && r.query.after === undefined).map((r) => r.status)).toEqual([200]);
    expect(h.okta.requests.filter((r) => r.status !== 200)).toHaveLength(2);
    expect(code).toBe(0);
    expect(report?.error).toBeUndefined();
    expect(report?.retries).toBe(2);
    expect(report?.applied).toEqual({ create: expected, update: 0, reactivate: 0, deactivate: 0 });
    expect(report?.failed).toEqual([]);
    expect(countRequests(h.wfm.requests, { method: 'POST', api: 'scim' })).toBe(expected);
    expect(countRequests(h.wfm.requests, { method: 'PUT', api: 'scim' })).toBe(0);
    expect(h.wfm.state.size()).toBe(expected);
    expect(divergence(h)).toEqual(CONVERGED);
  });

  it.each<[string, Partial<OktaFaults>, RegExp]>([
    ['times out', { hangNext: 100, hangMs: 60000 }, /^Okta list users of app \w+ failed: no answer within 1000 ms \(OKTA_TIMEOUT_MS\)/],
    ['drops the connection', { dropNext: 100 }, /^Okta list users of app \w+ failed: the connection closed without an answer \(ECONNRESET\)/],
  ])('Okta that %s for good, mid-pull, stops the run before any write, exit 1, with the reason', async (what, faults, reason) => {
    // A write is due: only the stopped pull keeps it from being made.
    const oktaId = inScopeUsers(h.okta.state, h.okta.appId)[0]?.id ?? '';
    h.okta.state.updateProfile(oktaId, { department: `Okta ${what}` });
    const before = JSON.stringify(h.wfm.state.all());
    const stop = armAfterFirstPage(h, faults);
    const { code, report } = await h.cli(['sync', '--once', '--json'], FAST).finally(stop);
    expect(code).toBe(1);
    expect(report?.error).toMatch(reason);
    expect(report?.error).toMatch(/; the service did not answer after retries; run again once it does/);
    expect(report?.applied).toEqual({ create: 0, update: 0, reactivate: 0, deactivate: 0 });
    // Five attempts of the second page (the first and four retries), none answered.
    expect(await secondPages(h, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(countRequests(h.wfm.requests, { method: ['POST', 'PUT'] })).toBe(0);
    expect(JSON.stringify(h.wfm.state.all())).toBe(before);
  });
});
