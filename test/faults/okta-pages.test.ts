import { inScopeUsers } from '../../sandbox/okta/oracle';
import type { RequestLogEntry } from '../../sandbox/okta/server';
import { countRequests } from '../../sandbox/wfm/server';
import type { RunReport } from '../../sync/report';
import type { Harness } from '../helpers/harness';
import { CONVERGED, divergence } from './helpers/converge';
import { appUsersPath, startTwoPageHarness } from './helpers/okta-pull';

const FAST = { WFM_MAX_RPS: '1000', WFM_CONCURRENCY: '8' };
const supervisorsPath = (h: Harness): string => `/api/v1/groups/${h.okta.state.groupByName('WFM Supervisors')?.id ?? 'none'}/users`;
const cursors = (entries: readonly RequestLogEntry[]): (string | number)[][] => entries.map((r) => [r.query.after === undefined ? 'first' : 'second', r.status]);

/** A full sync from an empty WFM: it must end with every in-scope user created once, and the WFM converged. Answers its report. */
async function syncCreatesEveryone(h: Harness): Promise<RunReport | undefined> {
  const expected = inScopeUsers(h.okta.state, h.okta.appId).length;
  const { code, report } = await h.cli(['sync', '--once', '--json'], FAST);
  expect(code).toBe(0);
  expect(report?.error).toBeUndefined();
  expect(report?.applied).toEqual({ create: expected, update: 0, reactivate: 0, deactivate: 0 });
  expect(report?.failed).toEqual([]);
  expect(countRequests(h.wfm.requests, { method: 'POST', api: 'scim' })).toBe(expected);
  expect(divergence(h)).toEqual(CONVERGED);
  return report;
}

/**
 * The cursors read, a page read again right after itself counted once: a request the client sent
 * again after a transient failure (the run counts it in `retries`) is the same read of that page.
 */
function pagesRead(entries: readonly RequestLogEntry[], retries: number): (string | number)[][] {
  const read = cursors(entries);
  const once = read.filter((c, i) => i === 0 || c[0] !== read[i - 1]?.[0] || c[1] !== read[i - 1]?.[1]);
  expect(read.length - once.length).toBeLessThanOrEqual(retries);
  return once;
}

describe('Okta pages the SDK must get right, through a whole sync', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startTwoPageHarness(64);
  });
  afterEach(() => h.close());

  // The SDK's default cache middleware (which clients/okta-sdk.ts turns off) never answers a single
  // GET over about 64 KB; list pages bypass it. So the incremental run below reads one such user alone.
  it('pages over 64 KB are read whole by a full sync, and a user over 64 KB by an incremental one', async () => {
    h.okta.setFaults({ largeProfiles: true });
    const page = await fetch(`${h.okta.url}${appUsersPath(h)}?limit=500&expand=user`, { headers: { Authorization: `SSWS ${h.okta.token}` } });
    expect((await page.text()).length).toBeGreaterThan(64 * 1024);
    h.okta.requests.length = 0;
    const full = await syncCreatesEveryone(h);
    expect(pagesRead(h.okta.requests.filter((r) => r.path === appUsersPath(h)), full?.retries ?? 0)).toEqual([['first', 200], ['second', 200]]);

    // The first incremental run is a full one (nothing to write); the next reads the changed user alone.
    expect((await h.cli(['sync', '--once', '--incremental', '--json'], FAST)).report?.applied.update).toBe(0);
    const big = inScopeUsers(h.okta.state, h.okta.appId)[0]?.id ?? '';
    h.okta.state.updateProfile(big, { department: 'Large Profiles', wfmHistory: 'shift swap; '.repeat(8000) });
    const one = await fetch(`${h.okta.url}/api/v1/users/${big}`, { headers: { Authorization: `SSWS ${h.okta.token}` } });
    expect((await one.text()).length).toBeGreaterThan(64 * 1024);
    h.okta.requests.length = 0;
    h.wfm.requests.length = 0;
    const { code, report } = await h.cli(['sync', '--once', '--incremental', '--json'], FAST);
    expect(code).toBe(0);
    expect(report).toMatchObject({ kind: 'incremental-sync', applied: { create: 0, update: 1, reactivate: 0, deactivate: 0 }, failed: [] });
    expect(h.okta.requests.filter((r) => r.path === `/api/v1/users/${big}`).map((r) => r.status)).toEqual([200]);
    expect(divergence(h)).toEqual(CONVERGED);
  });

  it('empty pages with a next link (group members and app users) are followed, not taken for the end', async () => {
    // The supervisors' page answers empty twice. Once it has answered in full, the app's first page
    // answers empty once; once that has answered in full, the app's second page answers empty once.
    h.okta.setFaults({ emptyPageNext: 2 });
    const push = h.okta.requests.push.bind(h.okta.requests);
    const seen = new Map<string, number>();
    h.okta.requests.push = (...entries) => {
      for (const e of entries) {
        const key = `${e.path} ${e.query.after === undefined ? 'first' : 'second'}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        const armNext = key === `${supervisorsPath(h)} first` ? 3 : key === `${appUsersPath(h)} first` ? 2 : 0;
        if (seen.get(key) === armNext) h.okta.setFaults({ emptyPageNext: 1 });
      }
      return push(...entries);
    };
    try {
      await syncCreatesEveryone(h);
    } finally {
      h.okta.requests.push = push;
    }
    expect(h.okta.faults.emptyPageNext).toBe(0);
    expect(cursors(h.okta.requests.filter((r) => r.path === supervisorsPath(h)))).toEqual([['first', 200], ['first', 200], ['first', 200]]);
    expect(cursors(h.okta.requests.filter((r) => r.path === appUsersPath(h)))).toEqual([['first', 200], ['first', 200], ['second', 200], ['second', 200]]);
    expect(h.wfm.state.all().filter((u) => JSON.stringify(u.roles).includes('supervisor')).length).toBeGreaterThan(0);
  });
});
