import { FAULT_KINDS, countRequests, filterRequests, type WfmFaultKind, type WfmFaultRule } from '../../sandbox/wfm/server';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import type { RunReport } from '../../sync/report';
import { startHarness, type Harness } from '../helpers/harness';
import { CONVERGED, divergence } from './helpers/converge';
import { retryChains, sprinkle, wireRetries } from './helpers/requests';
import { faultSeed, rng } from './helpers/seed';

const SEED = faultSeed(6021);
const MAX_RETRIES = 5;
/** One write at a time: the faults land on the same requests on every replay of a seed. */
const ENV = { WFM_TIMEOUT_MS: '1000', WFM_CONCURRENCY: '1', WFM_MAX_RETRIES: String(MAX_RETRIES) };
const TRANSIENT = /answered (429|500|503)|no answer within|ECONNRESET|socket hang up|not valid JSON/;

/** One rule per kind and method, so every kind hits every method whatever the random draws. */
const rulesFor = (method: string, kinds: readonly WfmFaultKind[]): WfmFaultRule[] => kinds.map((kind) => ({ kind, methods: [method], api: 'scim' }));
const covered = (h: Harness, method: string): string[] =>
  [...new Set(filterRequests(h.wfm.requests, { method }).flatMap((r) => (r.fault ? [r.fault] : [])))].sort();
const NOT_PUT = FAULT_KINDS.filter((k) => k !== '412-on-put');

/**
 * Runs `sync --once` until a run applies everything, at most `limit` runs. A run may leave a user
 * failed when its retries ran out (they are bounded); the next run must then finish the job.
 */
async function syncUntilClean(h: Harness, limit = 3): Promise<RunReport[]> {
  const reports: RunReport[] = [];
  for (let i = 0; i < limit; i += 1) {
    const before = h.wfm.requests.length;
    const { code, report } = await h.cli(['sync', '--once', '--json'], ENV);
    if (!report) throw new Error(`run ${i + 1} printed no report (exit ${code})`);
    reports.push(report);
    const requests = h.wfm.requests.slice(before);
    // Bounded retries, and every one of them counted in the run's report.
    expect(Math.max(...retryChains(requests))).toBeLessThanOrEqual(MAX_RETRIES + 1);
    expect(report.retries).toBe(wireRetries(requests));
    // A read whose retries ran out stops the run before any write; one user's write fails that user alone.
    if (report.error !== undefined) {
      expect(report.error).toMatch(TRANSIENT);
      expect(countRequests(requests, { method: ['POST', 'PUT'] })).toBe(0);
    }
    for (const f of report.failed) expect(f.error).toMatch(TRANSIENT);
    if (code === 0) return reports;
  }
  throw new Error(`no clean run in ${limit} runs: ${JSON.stringify(reports.map((r) => r.failed))}`);
}

describe(`WFM faults on about 20% of requests, seeded (FAULT_SEED=${SEED})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ users: 220, seed: 61, wfmPageSize: 20 });
    // Held past the client's 1 s timeout, so a `timeout` is a timeout and not a slow answer.
    h.wfm.faults.timeoutMs = 1500;
    h.wfm.faults.retryAfterSeconds = 1;
    h.wfm.faults.random = { probability: 0.2, seed: SEED, kinds: [...FAULT_KINDS] };
  });
  afterAll(() => h.close());

  it('syncing under the faults creates every user once: a create whose answer was lost is looked up, never sent twice', async () => {
    const stop = sprinkle(h.wfm, NOT_PUT.flatMap((kind) => [...rulesFor('POST', [kind]), ...rulesFor('GET', [kind])]), 12);
    const reports = await syncUntilClean(h).finally(stop);
    expect(covered(h, 'POST')).toEqual([...NOT_PUT].sort());
    expect(covered(h, 'GET')).toEqual([...NOT_PUT].sort());
    expect(reports.reduce((n, r) => n + r.applied.create, 0)).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
    expect(divergence(h)).toEqual(CONVERGED);
    // Every POST the WFM carried out made one user; none was refused as a duplicate (409).
    const posts = filterRequests(h.wfm.requests, { method: 'POST', api: 'scim' });
    const carriedOut = posts.filter((r) => r.status === 201 || r.fault === 'lost-response');
    expect(carriedOut).toHaveLength(h.wfm.state.size());
    expect(posts.some((r) => r.fault === 'lost-response')).toBe(true);
    expect(countRequests(h.wfm.requests, { method: 'POST', status: 409 })).toBe(0);
  });

  it('updates under the same faults lose nothing: each Okta change lands, and what WFM admins set survives (412s re-read)', async () => {
    const pick = rng(SEED);
    const users = inScopeUsers(h.okta.state, h.okta.appId);
    const changed = users.filter(() => pick.next() < 0.25);
    const phone = [{ value: '+1 555 0100', type: 'mobile' }];
    for (const u of changed) {
      h.okta.state.updateProfile(u.id, { lastName: `Changed${pick.int(1, 999)}`, department: 'Retention' });
      const wfmUser = h.wfm.state.all().find((w) => w.externalId === u.id);
      h.wfm.state.editAttribute(String(wfmUser?.id), 'phoneNumbers', phone);
    }
    h.wfm.requests.length = 0;
    const stop = sprinkle(h.wfm, rulesFor('PUT', FAULT_KINDS), 8);
    const reports = await syncUntilClean(h).finally(stop);
    expect(reports.reduce((n, r) => n + r.applied.update, 0)).toBe(changed.length);
    expect(covered(h, 'PUT')).toEqual([...FAULT_KINDS].sort());
    expect(divergence(h)).toEqual(CONVERGED);
    for (const u of changed) expect(h.wfm.state.all().find((w) => w.externalId === u.id)?.phoneNumbers).toEqual(phone);
  });

  it('a last sync with the faults off finds nothing to do', async () => {
    h.wfm.faults.random = null;
    h.wfm.requests.length = 0;
    const { code, report } = await h.cli(['sync', '--once', '--json'], ENV);
    expect(code).toBe(0);
    expect(report?.planned.noop).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
    expect(countRequests(h.wfm.requests, { method: ['POST', 'PUT'] })).toBe(0);
  });
});
