import { runFullSync } from '../../jobs/full-sync';
import type { TestApp } from '../helpers/app';
import { startQuirkyApp, type QuirkyApp } from '../helpers/quirky-app';
import type { QuirkyScim } from '../helpers/quirky-scim';

/**
 * A SCIM server that stores no externalId (RFC 7644 §3.3 lets a server ignore what it does not
 * keep): every user is found by userName, and linking it again would update every user on every run.
 */
describe('a WFM that keeps no externalId', () => {
  let wfm: QuirkyScim;
  let app: TestApp;
  let quirky: QuirkyApp;
  beforeAll(async () => {
    quirky = await startQuirkyApp({ users: 12, seed: 4 }, { ignores: ['externalId'] });
    ({ wfm, app } = quirky);
  });
  afterAll(() => quirky.close());

  it('is not linked again on every run once its answers and a read show it keeps no link', async () => {
    const first = await runFullSync(app.deps);
    expect(first.report.failed).toEqual([]);
    expect(first.report.applied.create).toBe(wfm.users.size);
    expect([...wfm.users.values()].every((u) => u.externalId === undefined)).toBe(true);
    wfm.seen.length = 0;
    const second = await runFullSync(app.deps);
    expect(second.report.unkept).toEqual(['externalId']);
    expect(second.report.planned).toMatchObject({ update: 0, noop: wfm.users.size, create: 0, conflict: 0 });
    expect(wfm.seen.filter((r) => r.startsWith('PUT ') || r.startsWith('POST '))).toEqual([]);
  });
});
