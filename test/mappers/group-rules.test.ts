import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../config/load-config';
import { buildMapping, groupRuleGroups, type Mapping } from '../../config/mapping';
import { NICE_URN } from '../../config/targets';
import { groupRuleValue, mapOktaUser, ownedPaths } from '../../mappers/okta-to-wfm';
import { buildResource, diffOwned } from '../../mappers/scim-merge';
import { validEnv } from '../helpers/env';
import { oktaUser } from '../helpers/okta-user';

const file = {
  groupRules: [
    { group: 'WFM Supervisors', set: { 'roles.primary': 'supervisor', 'nice.team.value': 'T-SUP', 'nice.team.display': 'Supervisors' } },
    { group: 'Team East', set: { 'nice.team.value': 'T-EAST', 'nice.team.display': 'East' } },
    { group: 'Night Shift', set: { 'roles.primary': 'night-agent', userType: 'Night agent' } },
  ],
  groupDefault: { 'nice.team.value': 'T-0', 'nice.team.display': 'Unassigned' },
};

function mapping(input: unknown = file): Mapping {
  const built = buildMapping(input);
  if (!built.mapping) throw new Error(built.problems.join('\n'));
  return built.mapping;
}

const attrsOf = (groups: string[], m = mapping()) => {
  const r = mapOktaUser(oktaUser({ groups }), { mapping: m, supervisorGroups: ['WFM Supervisors'] });
  if (!r.ok) throw new Error(r.reason);
  return r.user.attrs;
};

describe('group rules: per attribute, the first rule whose group the user is in wins, then the default', () => {
  it.each<[string, string[], Record<string, string | undefined>]>([
    ['no rule group: the default, and the role from SUPERVISOR_GROUPS', [], { 'roles.primary': 'agent', 'nice.team.value': 'T-0', 'nice.team.display': 'Unassigned' }],
    ['one rule group', ['Team East'], { 'roles.primary': 'agent', 'nice.team.value': 'T-EAST', 'nice.team.display': 'East' }],
    ['the first rule wins over a later one', ['Team East', 'WFM Supervisors'], { 'roles.primary': 'supervisor', 'nice.team.value': 'T-SUP' }],
    ['each attribute from the first rule that sets it', ['Night Shift', 'Team East'], { 'roles.primary': 'night-agent', 'nice.team.value': 'T-EAST', userType: 'Night agent' }],
  ])('%s', (_name, groups, expected) => expect(attrsOf(groups)).toMatchObject(expected));

  it('groupRuleValue answers undefined when neither a rule nor the default sets the attribute', () => {
    expect(groupRuleValue(['Team East'], mapping(), 'userType')).toBeUndefined();
  });

  it('owns the attributes group rules set, and writes the NICE team into its extension', () => {
    const m = mapping();
    expect(ownedPaths(m)).toEqual(expect.arrayContaining(['nice.team.value', 'nice.team.display', 'userType', 'roles.primary']));
    const r = mapOktaUser(oktaUser({ groups: ['Team East'] }), { mapping: m, supervisorGroups: [] });
    if (!r.ok) throw new Error(r.reason);
    expect(buildResource(r.user, m)[NICE_URN]).toEqual({ team: { value: 'T-EAST', display: 'East' } });
    const moved = mapOktaUser(oktaUser({ groups: [] }), { mapping: m, supervisorGroups: [] });
    if (!moved.ok) throw new Error(moved.reason);
    expect(diffOwned(moved.user, buildResource(r.user, m), m).map((c) => c.path).sort()).toEqual(['nice.team.display', 'nice.team.value']);
  });

  it('names the groups once each, in file order', () => {
    expect(groupRuleGroups(mapping({ groupRules: [...file.groupRules, { group: 'Team East', set: { userType: 'x' } }] }))).toEqual([
      'WFM Supervisors',
      'Team East',
      'Night Shift',
    ]);
  });

  it('without groupRules nothing changes', () => {
    expect(attrsOf(['WFM Supervisors'], mapping({}))['roles.primary']).toBe('supervisor');
    expect(ownedPaths(mapping({}))).not.toContain('nice.team.value');
  });
});

describe('group rules in the mapping file: refused with the rule named', () => {
  it.each<[string, unknown, string]>([
    ['an unknown target', { groupRules: [{ group: 'G', set: { 'nice.squad': 'x' } }] }, 'groupRules.0.set.nice.squad: unknown target attribute "nice.squad"'],
    ['a target that identifies the user', { groupRules: [{ group: 'G', set: { userName: 'x@example.com' } }] }, 'groupRules.0.set.userName: identifies the user'],
    ['externalId', { groupDefault: { externalId: 'x' } }, 'groupDefault.externalId: "externalId" is set by the sync'],
    ['a custom target without customSchema', { groupRules: [{ group: 'G', set: { 'custom.site': 'x' } }] }, 'needs customSchema'],
    ['an empty set', { groupRules: [{ group: 'G', set: {} }] }, 'groupRules.0.set: set must name at least one attribute'],
    ['a blank group', { groupRules: [{ group: ' ', set: { userType: 'x' } }] }, 'groupRules.0.group: group must name an Okta group'],
    ['a control character', { groupRules: [{ group: 'G', set: { userType: 'a\u0007b' } }] }, 'must not contain control characters'],
    ['an unknown key', { groupRules: [{ group: 'G', set: { userType: 'x' }, when: 'always' }] }, 'groupRules.0'],
  ])('%s', (_name, input, problem) => {
    const built = buildMapping(input);
    expect(built.mapping).toBeUndefined();
    expect(built.problems.join('\n')).toContain(problem);
  });

  it('loadConfig reads them from MAPPING_FILE and hands their groups to the Okta source', () => {
    const dir = mkdtempSync(join(tmpdir(), 'group-rules-'));
    const path = join(dir, 'mapping.yaml');
    writeFileSync(
      path,
      [
        'groupRules:',
        '  - group: WFM Supervisors',
        '    set: { roles.primary: supervisor, nice.team.value: T-1 }',
        '  - group: Team East',
        '    set: { nice.team.value: T-EAST }',
        'groupDefault:',
        '  nice.team.value: T-0',
      ].join('\n'),
    );
    const cfg = loadConfig(validEnv({ MAPPING_FILE: path }));
    expect(cfg.okta.ruleGroups).toEqual(['WFM Supervisors', 'Team East']);
    expect(cfg.mapping.groupDefault).toEqual({ 'nice.team.value': 'T-0' });
    writeFileSync(path, 'groupRules:\n  - group: X\n    set: { emails.work: a@b.c }\n');
    expect(() => loadConfig(validEnv({ MAPPING_FILE: path }))).toThrow(ConfigError);
  });
});
