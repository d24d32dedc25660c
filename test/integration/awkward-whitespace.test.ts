import { runFullSync } from '../../jobs/full-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import type { TestApp } from '../helpers/app';
import type { Harness } from '../helpers/harness';
import { startQuirkyApp, type QuirkyApp } from '../helpers/quirky-app';
import type { QuirkyScim } from '../helpers/quirky-scim';

/**
 * Okta names with doubled or no-break spaces, on a WFM that stores each run of whitespace as one
 * space: the values differ only in spacing, so the next run has nothing to write.
 */
describe('names with odd spacing, on a WFM that collapses whitespace', () => {
  let h: Harness;
  let wfm: QuirkyScim;
  let app: TestApp;
  let quirky: QuirkyApp;
  beforeAll(async () => {
    quirky = await startQuirkyApp({ users: 8, seed: 3 }, { collapsesSpaces: true });
    ({ h, wfm, app } = quirky);
  });
  afterAll(() => quirky.close());

  it('are written once, and not again on every run', async () => {
    const [spaced, noBreak] = inScopeUsers(h.okta.state, h.okta.appId);
    if (!spaced || !noBreak) throw new Error('two users in scope needed');
    h.okta.state.updateProfile(spaced.id, { firstName: 'Ann  Marie', lastName: 'de   la Cruz' });
    h.okta.state.updateProfile(noBreak.id, { firstName: 'Jean\u00a0Luc', department: 'Billing \u2003 East' });
    const first = await runFullSync(app.deps);
    expect(first.report.failed).toEqual([]);
    expect([...wfm.users.values()].find((u) => u.externalId === spaced.id)?.displayName).toBe('Ann Marie de la Cruz');
    wfm.seen.length = 0;
    const second = await runFullSync(app.deps);
    expect(second.report.planned.update).toBe(0);
    expect(wfm.seen.filter((r) => r.startsWith('PUT ') || r.startsWith('POST '))).toEqual([]);
  });
});
