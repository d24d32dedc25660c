import { createOktaSource, type OktaSourceConfig } from '../../clients/okta';
import { IN_SCOPE_STATUSES } from '../../config/load-config';
import { sandboxOktaConfig } from '../helpers/okta-config';
import { startOktaSandbox, type OktaSandbox } from '../../sandbox/okta/server';

const IN_SCOPE = new Set<string>(IN_SCOPE_STATUSES);

describe('scope by OKTA_GROUPS and the groups of group rules', () => {
  let okta: OktaSandbox;
  let cfg: OktaSourceConfig;
  const members = (name: string): string[] => okta.state.groupMembers(okta.state.groupByName(name)?.id ?? '').map((u) => u.id);
  const memberListings = () => okta.requests.filter((r) => /^\/api\/v1\/groups\/[^/]+\/users$/.test(r.path));

  beforeAll(async () => {
    okta = await startOktaSandbox({ users: 90, seed: 17 });
  });
  afterAll(() => okta.close());
  beforeEach(() => {
    okta.requests.length = 0;
    cfg = sandboxOktaConfig(okta);
  });

  it('OKTA_GROUPS: the members of the named groups are in scope instead of the app users', async () => {
    const pull = await createOktaSource({ ...cfg, scopeGroups: ['WFM Agents', 'Engineering'] }).pullInScope();
    const expected = [...new Set([...members('WFM Agents'), ...members('Engineering')])].filter((id) => IN_SCOPE.has(okta.state.getUser(id)?.status ?? ''));
    expect(pull.users.map((u) => u.id).sort()).toEqual(expected.sort());
    expect(pull.counts.appUsers).toBe(new Set([...members('WFM Agents'), ...members('Engineering')]).size);
    expect(okta.requests.filter((r) => r.path.startsWith('/api/v1/apps/'))).toHaveLength(0);
    // Each group listed once: the supervisor group (for the role) and the two scope groups.
    expect(memberListings()).toHaveLength(3);
    const supervisors = new Set(members('WFM Supervisors'));
    for (const u of pull.users) expect(u.groups).toEqual(supervisors.has(u.id) ? ['WFM Supervisors'] : []);
  });

  it('group rules: each rule group is listed once in a full pull, and its name reaches the user', async () => {
    const ruleGroups = ['Engineering', 'WFM Supervisors'];
    const engineering = okta.state.groupByName('Engineering')?.id ?? '';
    for (const a of okta.state.appUsers(okta.appId).slice(0, 3)) okta.state.addToGroup(engineering, a.userId);
    const pull = await createOktaSource({ ...cfg, ruleGroups }).pullInScope();
    expect(memberListings()).toHaveLength(2);
    const engineers = new Set(members('Engineering'));
    const inBoth = pull.users.filter((u) => engineers.has(u.id));
    expect(inBoth.length).toBeGreaterThan(0);
    for (const u of inBoth) expect(u.groups).toContain('Engineering');
    expect(pull.users.filter((u) => !engineers.has(u.id)).every((u) => !u.groups.includes('Engineering'))).toBe(true);
  });

  it('checkUser reads the groups of one user (rule groups too) and, in group scope, its membership', async () => {
    const engineer = members('Engineering').find((id) => okta.state.getUser(id)?.status === 'ACTIVE');
    const agent = members('WFM Agents').find((id) => okta.state.getUser(id)?.status === 'ACTIVE' && !members('Engineering').includes(id));
    if (!engineer || !agent) throw new Error('users');
    const source = createOktaSource({ ...cfg, scopeGroups: ['Engineering'], ruleGroups: ['Engineering'] });
    expect(await source.checkUser(engineer)).toMatchObject({ found: true, assigned: true, inScope: true, user: { groups: expect.arrayContaining(['Engineering']) } });
    expect(await source.checkUser(agent)).toMatchObject({ found: true, assigned: false, inScope: false });
    expect(okta.requests.filter((r) => r.path.startsWith('/api/v1/apps/'))).toHaveLength(0);
    expect(okta.requests.filter((r) => /^\/api\/v1\/users\/[^/]+\/groups$/.test(r.path))).toHaveLength(2);
  });

  it('OKTA_GROUPS without OKTA_APP_ID: the pull, checkUser and the app group list read no app', async () => {
    const source = createOktaSource({ ...cfg, appId: undefined, scopeGroups: ['WFM Agents'] });
    const agent = members('WFM Agents').find((id) => okta.state.getUser(id)?.status === 'ACTIVE');
    if (!agent) throw new Error('no active agent');
    expect((await source.pullInScope()).users.map((u) => u.id)).toContain(agent);
    expect(await source.checkUser(agent)).toMatchObject({ found: true, assigned: true, inScope: true });
    expect(await source.listAppGroupIds()).toEqual([]);
    expect(okta.requests.filter((r) => r.path.startsWith('/api/v1/apps'))).toEqual([]);
  });

  it('without OKTA_GROUPS, a source with no app id stops on the setting before any app call', async () => {
    const source = createOktaSource({ ...cfg, appId: undefined });
    const problem = { kind: 'config', service: 'okta', message: 'OKTA_APP_ID: is required, unless OKTA_GROUPS is set' };
    await expect(source.pullInScope()).rejects.toMatchObject(problem);
    await expect(source.checkUser(okta.state.users()[0]?.id ?? '')).rejects.toMatchObject(problem);
    await expect(source.listAppGroupIds()).rejects.toMatchObject(problem);
    expect(okta.requests.filter((r) => r.path.startsWith('/api/v1/apps'))).toEqual([]);
  });

  it.each<[string, Partial<OktaSourceConfig>, string]>([
    ['OKTA_GROUPS', { scopeGroups: ['No Such Team'] }, 'OKTA_GROUPS: Okta has no group named "No Such Team"'],
    ['a group rule', { ruleGroups: ['Night Shift'] }, 'MAPPING_FILE (groupRules): Okta has no group named "Night Shift"'],
  ])('names the setting when %s names a group Okta does not have', async (_name, extra, message) => {
    await expect(createOktaSource({ ...cfg, ...extra }).pullInScope()).rejects.toMatchObject({ kind: 'config', message });
  });
});
