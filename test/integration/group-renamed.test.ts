import { runFullSync } from '../../jobs/full-sync';
import { runIncrementalSync } from '../../jobs/incremental-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { createGroupIdCache } from '../../store/group-ids';
import { startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';

const NAME = 'WFM Supervisors';

/**
 * A role group named by name whose group is renamed or deleted in Okta: the incremental sync sees
 * the System Log event, drops the ids kept for the name and looks it up again. When no group has
 * that name any more it stops, as the full sync does, naming the setting: judged without the
 * group, its touched members would lose their role (a supervisor made an agent).
 */
describe('a role group renamed or deleted in Okta', () => {
  let h: Harness;
  let app: TestApp;
  const cached = () => createGroupIdCache(app.deps.redis, app.deps.config.redis.prefix).get(NAME);
  const wfmRoles = (oktaId: string) => h.wfm.state.all().find((u) => u.externalId === oktaId)?.roles;

  beforeAll(async () => {
    h = await startHarness({ users: 30, seed: 12 });
    app = startTestApp(h);
    expect((await runIncrementalSync(app.deps)).report.kind).toBe('full-sync'); // sets the cursor
  });
  afterAll(async () => {
    await app.close();
    await h.close();
  });

  it('renamed: the next incremental run stops before any write, naming the setting, and so does the next full sync', async () => {
    const group = h.okta.state.groupByName(NAME);
    if (!group) throw new Error('no role group');
    expect(await cached()).toEqual([group.id]);
    const [supervisor] = inScopeUsers(h.okta.state, h.okta.appId, { supervisorGroup: NAME }).filter((u) => u.supervisor);
    if (!supervisor) throw new Error('no supervisor');
    h.okta.state.renameGroup(group.id, 'WFM Supervisors (retired)');
    h.okta.state.updateProfile(supervisor.id, { title: 'Team lead' }); // touched by this run
    const puts = h.wfm.requests.filter((r) => r.method === 'PUT').length;
    const incremental = await runIncrementalSync(app.deps);
    expect(incremental.fatal).toMatchObject({ kind: 'config' });
    expect(incremental.report.error).toContain(`SUPERVISOR_GROUPS: Okta has no group named "${NAME}"`);
    expect(h.wfm.requests.filter((r) => r.method === 'PUT').length).toBe(puts);
    expect(wfmRoles(supervisor.id)).toEqual([{ value: 'supervisor', primary: true }]);
    expect(await cached()).toBeUndefined();
    const full = await runFullSync(app.deps);
    expect(full.fatal).toMatchObject({ kind: 'config' });
    expect(full.report.error).toContain(`SUPERVISOR_GROUPS: Okta has no group named "${NAME}"`);
  });

  it('a new group given the name is used by the next full sync; deleted, its name is forgotten again', async () => {
    const [agent] = inScopeUsers(h.okta.state, h.okta.appId, { supervisorGroup: 'WFM Supervisors (retired)' }).filter((u) => u.scope === 'USER' && !u.supervisor);
    if (!agent) throw new Error('no agent');
    expect(wfmRoles(agent.id)).toEqual([{ value: 'agent', primary: true }]);
    const fresh = h.okta.state.createGroup(NAME);
    h.okta.state.addToGroup(fresh.id, agent.id);
    const full = await runFullSync(app.deps);
    expect(full.fatal).toBeUndefined();
    expect(await cached()).toEqual([fresh.id]);
    expect(wfmRoles(agent.id)).toEqual([{ value: 'supervisor', primary: true }]);

    h.okta.state.deleteGroup(fresh.id);
    expect((await runIncrementalSync(app.deps)).fatal).toMatchObject({ kind: 'config' });
    expect(await cached()).toBeUndefined();
  });
});
