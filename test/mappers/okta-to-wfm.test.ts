import { buildMapping, DEFAULT_MAPPING } from '../../config/mapping';
import { ENTERPRISE_URN } from '../../config/targets';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { buildResource } from '../../mappers/scim-merge';
import { oktaUser } from '../helpers/okta-user';

const opts = { mapping: DEFAULT_MAPPING, supervisorGroups: ['WFM Supervisors'] };

describe('mapOktaUser with the default mapping', () => {
  it('maps every default attribute', () => {
    const r = mapOktaUser(oktaUser({ profile: { employeeNumber: '1042', department: 'Billing Support' } }), opts);
    if (!r.ok) throw new Error(r.reason);
    expect(buildResource(r.user, DEFAULT_MAPPING)).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_URN],
      userName: 'maria.lopez@example.com',
      externalId: '00u1',
      name: { givenName: 'Maria', familyName: 'Lopez' },
      displayName: 'Maria Lopez',
      emails: [{ value: 'maria.lopez@example.com', type: 'work', primary: true }],
      active: true,
      roles: [{ value: 'agent', primary: true }],
      [ENTERPRISE_URN]: { employeeNumber: '1042', department: 'Billing Support' },
    });
  });

  it('gives the supervisor role to members of a supervisor group', () => {
    const r = mapOktaUser(oktaUser({ groups: ['WFM Supervisors'] }), opts);
    expect(r.ok && r.user.attrs['roles.primary']).toBe('supervisor');
  });

  it('leaves the enterprise extension out when the profile has neither attribute', () => {
    const r = mapOktaUser(oktaUser(), opts);
    if (!r.ok) throw new Error(r.reason);
    expect(buildResource(r.user, DEFAULT_MAPPING)[ENTERPRISE_URN]).toBeUndefined();
  });

  it.each([
    [{ email: undefined }, 'emails.work is empty'],
    [{ email: 'not-an-email' }, 'emails.work "not-an-email" is not an email address'],
    [{ firstName: '   ' }, 'name.givenName is empty'],
    [{ lastName: 'x'.repeat(300) }, 'name.familyName is 300 characters long'],
    [{ firstName: 'Ma\u0007ria' }, 'name.givenName contains control characters'],
  ])('refuses %j with a reason', (profile, reason) => {
    const r = mapOktaUser(oktaUser({ profile }), opts);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });

  it('keeps emoji and plus signs', () => {
    const r = mapOktaUser(oktaUser({ profile: { login: 'ana+wfm@example.com', firstName: 'Ana 🌟' } }), opts);
    expect(r.ok && r.user.attrs).toMatchObject({ userName: 'ana+wfm@example.com', 'name.givenName': 'Ana 🌟' });
  });
});

describe('mapping file rules', () => {
  it('applies source, template, default and transforms, and can drop a default rule', () => {
    const built = buildMapping({
      customSchema: 'urn:example:wfm:1.0:User',
      attributes: {
        userName: { source: 'profile.login', transform: ['trim', 'lowercase'] },
        'nice.team.value': { source: 'profile.team', default: 'Unassigned' },
        'custom.site': { template: '{{profile.city}}-{{profile.department}}' },
        'enterprise.department': null,
      },
      roles: { supervisor: 'Supervisor', agent: 'Agent' },
    });
    expect(built.problems).toEqual([]);
    const mapping = built.mapping!;
    const r = mapOktaUser(oktaUser({ profile: { login: ' Maria.Lopez@Example.com ', city: 'Leeds', department: 'Sales' } }), {
      mapping,
      supervisorGroups: [],
    });
    if (!r.ok) throw new Error(r.reason);
    expect(r.user.attrs).toMatchObject({
      userName: 'maria.lopez@example.com',
      'nice.team.value': 'Unassigned',
      'custom.site': 'Leeds-Sales',
      'roles.primary': 'Agent',
    });
    expect(r.user.attrs['enterprise.department']).toBeUndefined();
    expect(Object.keys(r.user.attrs)).not.toContain('enterprise.department');
  });

  it.each([
    [{ attributes: { 'name.nickname': { source: 'profile.nick' } } }, 'attributes.name.nickname: unknown target attribute "name.nickname"'],
    [{ attributes: { userName: null } }, 'attributes.userName: is required by the WFM and cannot be removed'],
    [{ attributes: { 'custom.site': { source: 'profile.city' } } }, 'needs customSchema'],
    [{ attributes: { displayName: { source: 'profile.a', template: '{{profile.b}}' } } }, 'exactly one of source or template'],
    [{ attributes: { displayName: { template: '{{credentials.password}}' } } }, 'a template may only refer to'],
    [{ attributes: { displayName: { source: 'credentials.password' } } }, 'source must be id, status or profile.<attribute>'],
    [{ attributes: { externalId: { source: 'profile.x' } } }, 'is set by the sync and cannot be mapped'],
    [{ attributes: { displayName: { source: 'profile.a', transform: ['reverse'] } } }, 'attributes.displayName.transform.0'],
    [{ unknownKey: 1 }, 'unknownKey'],
  ])('refuses %j', (file, problem) => {
    const built = buildMapping(file);
    expect(built.mapping).toBeUndefined();
    expect(built.problems.join('\n')).toContain(problem);
  });
});
