import { DEFAULT_MAPPING } from '../../config/mapping';
import { ENTERPRISE_URN, NICE_URN } from '../../config/targets';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { mergeOwned } from '../../mappers/scim-merge';
import { oktaUser } from '../helpers/okta-user';

describe('mergeOwned (the body of a PUT)', () => {
  const r = mapOktaUser(oktaUser({ id: '00u1', groups: ['WFM Supervisors'], profile: { department: 'Sales' } }), {
    mapping: DEFAULT_MAPPING,
    supervisorGroups: ['WFM Supervisors'],
  });
  if (!r.ok) throw new Error(r.reason);
  const current = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', NICE_URN],
    id: 'w1',
    userName: 'maria.lopez@example.com',
    name: { givenName: 'Mary', familyName: 'Lopez', middleName: 'Ann' },
    emails: [
      { value: 'old@example.com', type: 'work', primary: true },
      { value: 'home@example.com', type: 'home' },
    ],
    phoneNumbers: [{ value: '+44 1', type: 'mobile' }],
    timeZone: 'Europe/London',
    active: true,
    roles: [{ value: 'agent', primary: true }],
    [NICE_URN]: { team: { value: 't1', display: 'Team 1' } },
    meta: { resourceType: 'User', version: 'W/"3"' },
    groups: [{ value: 'g1', display: 'Floor A', type: 'direct' }],
  };
  const merged = mergeOwned(current, r.user, DEFAULT_MAPPING);

  it('replaces what we own', () => {
    expect(merged).toMatchObject({
      externalId: '00u1',
      name: { givenName: 'Maria', familyName: 'Lopez' },
      displayName: 'Maria Lopez',
      roles: [{ value: 'supervisor', primary: true }],
      [ENTERPRISE_URN]: { department: 'Sales' },
      active: true,
    });
    expect(merged.emails).toEqual([
      { value: 'maria.lopez@example.com', type: 'work', primary: true },
      { value: 'home@example.com', type: 'home' },
    ]);
    expect(merged.schemas).toEqual(expect.arrayContaining([ENTERPRISE_URN, NICE_URN]));
  });

  it('keeps what others set, sends timezone in the request spelling and drops the read-only meta and groups', () => {
    expect(merged).toMatchObject({
      id: 'w1',
      name: { middleName: 'Ann' },
      phoneNumbers: [{ value: '+44 1', type: 'mobile' }],
      timezone: 'Europe/London',
      [NICE_URN]: { team: { value: 't1', display: 'Team 1' } },
    });
    expect(merged.timeZone).toBeUndefined();
    expect(merged.meta).toBeUndefined();
    expect(merged.groups).toBeUndefined();
  });

  it('writes the work email without taking the primary flag from another email an admin made primary', () => {
    const chosen = { ...current, emails: [{ value: 'old@example.com', type: 'work' }, { value: 'home@example.com', type: 'home', primary: true }] };
    expect(mergeOwned(chosen, r.user, DEFAULT_MAPPING).emails).toEqual([
      { value: 'maria.lopez@example.com', type: 'work' },
      { value: 'home@example.com', type: 'home', primary: true },
    ]);
  });

  it('does not change the resource it was given', () => {
    expect(current.name.givenName).toBe('Mary');
  });
});
