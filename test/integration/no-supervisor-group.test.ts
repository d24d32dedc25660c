import { runFullSync } from '../../jobs/full-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { startTestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';

/** An Okta org with no supervisor group: SUPERVISOR_GROUPS=off syncs everyone as an agent; the default name, missing, stops the run saying so. */
describe('an org without the supervisor group', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ users: 15, seed: 29 });
    const group = h.okta.state.groupByName('WFM Supervisors');
    if (group) h.okta.state.deleteGroup(group.id);
  });
  afterAll(() => h.close());

  it('with the default setting, the run stops before any write, naming the group and SUPERVISOR_GROUPS=off', async () => {
    const app = startTestApp(h);
    try {
      const { fatal } = await runFullSync(app.deps);
      expect(fatal).toMatchObject({ kind: 'config', message: expect.stringContaining('SUPERVISOR_GROUPS: Okta has no group named "WFM Supervisors"; name the group as Okta has it, or set SUPERVISOR_GROUPS=off') as unknown });
      expect(h.wfm.state.all()).toHaveLength(0);
    } finally {
      await app.close();
    }
  });

  it('with SUPERVISOR_GROUPS=off, everyone in scope is created as an agent', async () => {
    const app = startTestApp(h, { env: { SUPERVISOR_GROUPS: 'off' } });
    try {
      const { report, fatal } = await runFullSync(app.deps);
      expect(fatal).toBeUndefined();
      expect(report.applied.create).toBe(inScopeUsers(h.okta.state, h.okta.appId).length);
      expect(new Set(h.wfm.state.all().map((u) => JSON.stringify(u.roles)))).toEqual(new Set([JSON.stringify([{ value: 'agent', primary: true }])]));
    } finally {
      await app.close();
    }
  });
});
