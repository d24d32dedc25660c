import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IN_SCOPE_STATUSES } from '../../config/load-config';
import { NICE_URN } from '../../config/targets';
import { runIncrementalSync } from '../../jobs/incremental-sync';
import { runResyncUser } from '../../jobs/resync-user';
import { startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';

const MAPPING = `
groupRules:
  - group: WFM Supervisors
    set: { roles.primary: supervisor, nice.team.value: T-SUP, nice.team.display: Supervisors }
  - group: Engineering
    set: { nice.team.value: T-ENG, nice.team.display: Engineering }
groupDefault:
  nice.team.value: T-0
  nice.team.display: Unassigned
`;

describe('OKTA_GROUPS scope and group rules, end to end', () => {
  let h: Harness;
  let app: TestApp;
  let env: Record<string, string>;
  const inScope = new Set<string>(IN_SCOPE_STATUSES);
  const members = (name: string) => new Set(h.okta.state.groupMembers(h.okta.state.groupByName(name)?.id ?? '').map((u) => u.id));
  const team = (oktaId: string): unknown => {
    const user = h.wfm.state.all().find((u) => u.externalId === oktaId);
    return (user?.[NICE_URN] as { team?: { value?: string } } | undefined)?.team?.value;
  };

  beforeAll(async () => {
    h = await startHarness({ users: 50, seed: 8 });
    const dir = mkdtempSync(join(tmpdir(), 'group-scope-'));
    writeFileSync(join(dir, 'mapping.yaml'), MAPPING);
    env = { OKTA_APP_ID: '', OKTA_GROUPS: 'WFM Agents,WFM Supervisors', MAPPING_FILE: join(dir, 'mapping.yaml') };
    app = startTestApp(h, { env });
  });
  afterAll(async () => {
    await app.close();
    await h.close();
  });

  it('syncs the members of OKTA_GROUPS with the team their groups give, each group listed once', async () => {
    const { report, fatal } = await runIncrementalSync(app.deps);
    expect(fatal).toBeUndefined();
    const expected = [...new Set([...members('WFM Agents'), ...members('WFM Supervisors')])].filter((id) => inScope.has(h.okta.state.getUser(id)?.status ?? ''));
    expect(report.applied.create).toBe(expected.length);
    expect(h.okta.requests.filter((r) => /^\/api\/v1\/groups\/[^/]+\/users$/.test(r.path))).toHaveLength(3);
    expect(h.okta.requests.filter((r) => r.path.startsWith('/api/v1/apps/'))).toHaveLength(0);
    const supervisors = members('WFM Supervisors');
    const engineers = members('Engineering');
    for (const id of expected) expect(team(id)).toBe(supervisors.has(id) ? 'T-SUP' : engineers.has(id) ? 'T-ENG' : 'T-0');
  });

  it('a rule group membership moves the team; leaving OKTA_GROUPS hands the user to off-boarding', async () => {
    const agents = [...members('WFM Agents')].filter((id) => h.okta.state.getUser(id)?.status === 'ACTIVE' && !members('WFM Supervisors').has(id) && !members('Engineering').has(id));
    const [mover, leaver] = agents;
    if (!mover || !leaver) throw new Error('not enough agents');
    h.okta.state.addToGroup(h.okta.state.groupByName('Engineering')?.id ?? '', mover);
    h.okta.state.removeFromGroup(h.okta.state.groupByName('WFM Agents')?.id ?? '', leaver);
    h.okta.requests.length = 0;
    const { report } = await runIncrementalSync(app.deps);
    expect(report.applied).toMatchObject({ update: 1, create: 0 });
    expect(team(mover)).toBe('T-ENG');
    expect(app.offboards).toEqual([[expect.any(String), [leaver]]]);
    // checkUser reads each touched user's groups: per user, never the whole groups.
    expect(h.okta.requests.filter((r) => /^\/api\/v1\/users\/[^/]+\/groups$/.test(r.path))).toHaveLength(2);
    expect(h.okta.requests.filter((r) => /^\/api\/v1\/groups\/[^/]+\/users$/.test(r.path))).toHaveLength(0);
  });

  it('needs no OKTA_APP_ID: a one-user resync and an incremental run read no app', async () => {
    const noApp = startTestApp(h, { env: { ...env, OKTA_APP_ID: '' } });
    try {
      expect(noApp.deps.config.okta.appId).toBeUndefined();
      const agents = [...members('WFM Agents')].filter((id) => h.okta.state.getUser(id)?.status === 'ACTIVE' && !members('WFM Supervisors').has(id));
      const [resynced, changed] = agents;
      if (!resynced || !changed) throw new Error('not enough agents');
      h.okta.requests.length = 0;
      h.okta.state.updateProfile(resynced, { firstName: 'Resynced' });
      expect((await runResyncUser(noApp.deps, { user: resynced })).report.applied).toMatchObject({ update: 1 });
      // A group no setting names: with the app's scope, its membership change would make the run read the app's groups.
      h.okta.state.addToGroup(h.okta.state.createGroup('Night Shift').id, changed);
      h.okta.state.updateProfile(changed, { firstName: 'Changed' });
      const { report, fatal } = await runIncrementalSync(noApp.deps);
      expect(fatal).toBeUndefined();
      expect(report.applied).toMatchObject({ update: 1, create: 0 });
      expect(h.okta.requests.filter((r) => r.path.startsWith('/api/v1/apps'))).toEqual([]);
    } finally {
      await noApp.close();
    }
  });
});
