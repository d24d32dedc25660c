import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests, resetFaults, type WfmFaults } from '../../sandbox/wfm/server';
import { startHarness, type Harness } from '../helpers/harness';
import { DEACTIVATE_PATH, unassign } from '../helpers/offboard';
import { CONVERGED, divergence } from './helpers/converge';

const UNTRUSTED = /the listing cannot be trusted/;

describe('bad data from the WFM: a listing the sync cannot trust is not acted on', () => {
  let h: Harness;
  let leaver = '';
  beforeAll(async () => {
    h = await startHarness({ users: 90, seed: 96, wfmPageSize: 10 });
    expect((await h.cli(['sync', '--once'])).code).toBe(0);
    // One user left the app and one changed: off-boarding and sync would both have work to do.
    const [first, second] = inScopeUsers(h.okta.state, h.okta.appId).filter((u) => u.status === 'ACTIVE');
    leaver = first?.id ?? '';
    unassign(h, leaver);
    h.okta.state.updateProfile(second?.id ?? '', { department: 'Moved' });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    resetFaults(h.wfm.faults);
    h.wfm.requests.length = 0;
  });

  it.each<[string, Partial<WfmFaults>]>([
    ['resources without id', { listOmitsIds: true }],
    ['a totalResults too high', { listLiesTotal: 4 }],
    ['a totalResults too low', { listLiesTotal: -4 }],
    ['a totalResults too low by whole pages', { listLiesTotal: -20 }],
    ['the same user on two pages', { duplicateAcrossPages: true }],
  ])('%s: sync and offboard stop with a clear error and write nothing', async (_what, faults) => {
    Object.assign(h.wfm.faults, faults);
    for (const command of ['sync', 'offboard']) {
      const { code, report } = await h.cli([command, '--once', '--json']);
      expect(code).toBe(1);
      expect(report?.error).toMatch(UNTRUSTED);
    }
    expect(countRequests(h.wfm.requests, { method: ['POST', 'PUT'] })).toBe(0);
    expect(countRequests(h.wfm.requests, { api: 'user-management' })).toBe(0);
  });

  it('once the WFM answers honestly, both go ahead', async () => {
    expect((await h.cli(['sync', '--once'])).code).toBe(0);
    const off = await h.cli(['offboard', '--once', '--json']);
    expect(off.code).toBe(0);
    expect(off.report?.applied.deactivate).toBe(1);
    expect(countRequests(h.wfm.requests, { pathPrefix: DEACTIVATE_PATH, status: 200 })).toBe(1);
    expect(h.wfm.state.all().find((u) => u.externalId === leaver)?.active).toBe(false);
    expect(divergence(h)).toEqual(CONVERGED);
  });
});
