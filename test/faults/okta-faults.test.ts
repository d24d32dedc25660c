import type { OktaFaults } from '../../sandbox/okta/server';
import type { Harness } from '../helpers/harness';
import { CONVERGED, divergence } from './helpers/converge';
import { appUsersPath, onRequest, startTwoPageHarness } from './helpers/okta-pull';

const wfmCalls = (h: Harness): number => h.wfm.requests.length;

describe('Okta faults: retried when transient, and an incomplete pull writes nothing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startTwoPageHarness(62);
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.okta.resetFaults();
    h.okta.requests.length = 0;
    h.wfm.requests.length = 0;
  });

  it('a broken pull stops before any write, exits 1 with the reason, and the next run succeeds', async () => {
    expect(h.okta.state.appUsers(h.okta.appId).length).toBeGreaterThan(500);
    h.okta.setFaults({ breakPageAfter: 0 });
    const stopped = await h.cli(['sync', '--once']);
    expect(stopped.code).toBe(1);
    expect(stopped.out.join('\n')).toMatch(/stopped: Okta list users of app \w+ answered 500/);
    expect(h.okta.requests.filter((r) => r.path === appUsersPath(h) && r.status === 500).length).toBeGreaterThan(1);
    expect(wfmCalls(h)).toBe(0);

    h.okta.resetFaults();
    const next = await h.cli(['sync', '--once', '--json']);
    expect(next.code).toBe(0);
    expect(divergence(h)).toEqual(CONVERGED);
  });

  // Each fault is armed once the first page of the app's users came back, so it breaks the pull mid-way.
  it.each<[string, Partial<OktaFaults>, RegExp]>([
    ['5xx', { serverErrorNext: 100, serverErrorStatus: 503 }, /answered 503/],
    ['invalid JSON', { invalidJsonNext: 100 }, /answered a body that is not valid JSON/],
    ['429', { rateLimitNext: 100 }, /answered 429 E0000047/],
    ['a concurrency 429', { concurrencyLimitNext: 100 }, /answered 429 E0000047/],
  ])('Okta answering %s for good mid-pull stops the run before any write, with the reason', async (_what, faults, reason) => {
    const stop = onRequest(h.okta, (e) => {
      if (e.path === appUsersPath(h) && e.status === 200) h.okta.setFaults(faults);
    });
    const before = h.wfm.state.size();
    const { code, report } = await h.cli(['sync', '--once', '--json']).finally(stop);
    expect(code).toBe(1);
    expect(report?.error).toMatch(reason);
    expect(report?.applied).toEqual({ create: 0, update: 0, reactivate: 0, deactivate: 0 });
    expect(wfmCalls(h)).toBe(0);
    expect(h.wfm.state.size()).toBe(before);
  });

  it('429 (plain and concurrency), 5xx and invalid JSON now and then are retried: the run completes and counts them', async () => {
    const okta = h.okta.state;
    const changed = okta.users().filter((u) => u.status === 'ACTIVE').slice(0, 5);
    for (const u of changed) okta.updateProfile(u.id, { department: 'Okta Faults' });
    // Two faults in a row on the first call, two more on the call after its first good answer:
    // each call fails at most twice, well within its retries.
    h.okta.setFaults({ rateLimitNext: 1, concurrencyLimitNext: 1 });
    let armed = false;
    const stop = onRequest(h.okta, (e) => {
      if (e.status !== 200 || armed) return;
      armed = true;
      h.okta.setFaults({ serverErrorNext: 1, invalidJsonNext: 1 });
    });
    const { code, report } = await h.cli(['sync', '--once', '--json']).finally(stop);
    expect(h.okta.faults).toMatchObject({ rateLimitNext: 0, concurrencyLimitNext: 0, serverErrorNext: 0, invalidJsonNext: 0 });
    expect(h.okta.requests.filter((r) => r.status === 429)).toHaveLength(2);
    expect(h.okta.requests.filter((r) => r.status === 500)).toHaveLength(1);
    expect(code).toBe(0);
    expect(report?.retries).toBe(4);
    expect(report?.applied.update).toBeGreaterThan(0);
    expect(divergence(h)).toEqual(CONVERGED);
  });
});
