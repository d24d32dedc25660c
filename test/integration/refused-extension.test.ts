import { runFullSync } from '../../jobs/full-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { startQuirkyApp, type QuirkyApp } from '../helpers/quirky-app';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/**
 * A strict SCIM server without the enterprise extension refuses a write that carries it (400
 * invalidSyntax) where another drops it: each write goes again without it, the users are written,
 * and the extension's attributes are judged not kept, as a dropped one would be.
 */
describe('a WFM that refuses the enterprise extension the default mapping writes', () => {
  let quirky: QuirkyApp;
  beforeAll(async () => {
    quirky = await startQuirkyApp({ users: 10, seed: 17 }, { refusesExtensions: [ENTERPRISE] });
  });
  afterAll(() => quirky.close());

  it('creates every user without it, and the runs after write nothing', async () => {
    const first = await runFullSync(quirky.app.deps);
    expect(first.fatal).toBeUndefined();
    expect(first.report.failed).toEqual([]);
    const inScope = inScopeUsers(quirky.h.okta.state, quirky.h.okta.appId).length;
    expect(first.report.applied.create).toBe(inScope);
    expect([...quirky.wfm.users.values()].filter((u) => u[ENTERPRISE] !== undefined)).toEqual([]);
    // Each create was refused once, then sent without the extension.
    expect(quirky.wfm.seen.filter((r) => r.startsWith('POST '))).toHaveLength(2 * inScope);
    const second = await runFullSync(quirky.app.deps);
    expect(second.report).toMatchObject({ failed: [], applied: { create: 0, update: 0 } });
    quirky.wfm.seen.length = 0;
    const last = await runFullSync(quirky.app.deps);
    expect(quirky.wfm.seen.filter((r) => !r.startsWith('GET '))).toEqual([]);
    expect(last.report.applied).toMatchObject({ create: 0, update: 0 });
    expect(last.report.unkept).toEqual(['enterprise.department', 'enterprise.employeeNumber']);
  });
});
