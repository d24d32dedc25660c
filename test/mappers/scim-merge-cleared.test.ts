import { CORE_URN, ENTERPRISE_URN, NICE_URN } from '../../config/targets';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { buildResource, diffOwned, mergeOwned } from '../../mappers/scim-merge';
import { parseUserBody } from '../../sandbox/wfm/validate';
import type { DesiredUser, ScimResource } from '../../sync/types';
import { oktaUser } from '../helpers/okta-user';
import { CUSTOM_URN, mappingOf } from '../helpers/scim-mapping';

/**
 * An owned attribute Okta no longer has: a PUT that leaves it out may be kept by the WFM (RFC 7644
 * §3.5.1), so an update asks for the clear with null (single-valued) or [] (multi-valued).
 */
const mapping = mappingOf({
  customSchema: CUSTOM_URN,
  attributes: {
    'name.middleName': { source: 'profile.middleName' },
    'phoneNumbers.mobile': { source: 'profile.mobilePhone' },
    'custom.site': { source: 'profile.city' },
    'nice.team.value': { source: 'profile.team' },
    timezone: { source: 'profile.timezone' },
  },
});

function desiredOf(profile: Record<string, unknown> = {}): DesiredUser {
  const r = mapOktaUser(oktaUser({ id: '00u1', profile }), { mapping, supervisorGroups: [] });
  if (!r.ok) throw new Error(r.reason);
  return r.user;
}

/** Everything set, as the WFM holds it, with attributes next to ours that we do not own. */
const held = (extra: ScimResource = {}): ScimResource => ({
  schemas: [CORE_URN, ENTERPRISE_URN, NICE_URN, CUSTOM_URN],
  id: 'w1',
  externalId: '00u1',
  userName: 'maria.lopez@example.com',
  name: { givenName: 'Maria', familyName: 'Lopez', middleName: 'Ana', honorificPrefix: 'Dr.' },
  displayName: 'Maria Lopez',
  emails: [{ value: 'maria.lopez@example.com', type: 'work', primary: true }],
  phoneNumbers: [
    { value: '+44 7700 900001', type: 'mobile' },
    { value: '+44 20 7946 0000', type: 'work' },
  ],
  roles: [{ value: 'agent', primary: true }],
  timeZone: 'Europe/London',
  active: true,
  [ENTERPRISE_URN]: { employeeNumber: 'E-1', department: 'Sales', costCenter: 'CC-7' },
  [NICE_URN]: { team: { value: 'T-1', display: 'Team 1' } },
  [CUSTOM_URN]: { site: 'Leeds', badge: 'B-2' },
  meta: { resourceType: 'User', version: 'W/"3"' },
  ...extra,
});

const emptied = desiredOf();
const full = desiredOf({ middleName: 'Ana', mobilePhone: '+44 7700 900001', city: 'Leeds', team: 'T-1', timezone: 'Europe/London', department: 'Sales', employeeNumber: 'E-1' });

describe('mergeOwned: an owned attribute emptied in Okta', () => {
  it('is sent as null, in its extension object, which stays listed in schemas; what we do not own is sent as read', () => {
    expect(diffOwned(full, held(), mapping)).toEqual([]);
    const body = mergeOwned(held(), emptied, mapping);
    expect(body.name).toEqual({ givenName: 'Maria', familyName: 'Lopez', middleName: null, honorificPrefix: 'Dr.' });
    expect(body[ENTERPRISE_URN]).toEqual({ employeeNumber: null, department: null, costCenter: 'CC-7' });
    expect(body[NICE_URN]).toEqual({ team: { value: null, display: 'Team 1' } });
    expect(body[CUSTOM_URN]).toEqual({ site: null, badge: 'B-2' });
    expect(body.timezone).toBeNull();
    expect(body.timeZone).toBeUndefined();
    expect(body.schemas).toEqual([CORE_URN, ENTERPRISE_URN, NICE_URN, CUSTOM_URN]);
  });

  it('the last attribute of an extension is sent as null: the extension and its URN are not dropped', () => {
    const body = mergeOwned(held({ [ENTERPRISE_URN]: { department: 'Sales' }, [CUSTOM_URN]: { site: 'Leeds' } }), emptied, mapping);
    expect(body[ENTERPRISE_URN]).toEqual({ department: null });
    expect(body[CUSTOM_URN]).toEqual({ site: null });
    expect(body.schemas).toEqual(expect.arrayContaining([ENTERPRISE_URN, CUSTOM_URN]));
  });

  it('every multi-valued entry of a type we own goes, a repeated one too; entries of other types stay', () => {
    const read = held({ phoneNumbers: [{ value: '+44 7700 900001', type: 'mobile' }, { value: '+44 20 7946 0000', type: 'work' }, { value: '+44 7700 900002', type: 'mobile' }] });
    const body = mergeOwned(read, emptied, mapping);
    expect(body.phoneNumbers).toEqual([{ value: '+44 20 7946 0000', type: 'work' }]);
    expect(diffOwned(emptied, body, mapping)).toEqual([]);
  });

  it.each<[string, unknown[]]>([
    ['the only entry', [{ value: '+44 7700 900001', type: 'mobile' }]],
    ['typed in another case', [{ value: '+44 7700 900001', type: 'MOBILE' }]],
    ['held twice', [{ value: '+44 7700 900001', type: 'mobile' }, { value: '+44 7700 900002', type: 'mobile' }]],
    ['a lone untyped entry, read as ours', [{ value: '+44 7700 900001' }]],
  ])('a multi-valued attribute whose last owned entry goes (%s) is sent as []', (_what, phoneNumbers) => {
    const read = held({ phoneNumbers });
    expect(diffOwned(emptied, read, mapping).map((c) => c.path)).toContain('phoneNumbers.mobile');
    expect(mergeOwned(read, emptied, mapping).phoneNumbers).toEqual([]);
  });

  it('an attribute the WFM does not hold is left out, as in a create; a create sends no null', () => {
    const bare = held({ name: { givenName: 'Maria', familyName: 'Lopez' }, phoneNumbers: undefined, timeZone: undefined });
    for (const urn of [ENTERPRISE_URN, NICE_URN, CUSTOM_URN]) delete bare[urn];
    bare.schemas = [CORE_URN];
    const body = mergeOwned(bare, emptied, mapping);
    expect(body.name).toEqual({ givenName: 'Maria', familyName: 'Lopez' });
    expect(body.phoneNumbers).toBeUndefined();
    expect('timezone' in body).toBe(false);
    expect(body.schemas).toEqual([CORE_URN]);
    expect(Object.keys(body).filter((k) => k.startsWith('urn:'))).toEqual([]);
    // The held user lost its values: the update sends null for them; a create leaves them out.
    expect(mergeOwned(held(), emptied, mapping).name).toHaveProperty('middleName', null);
    expect(JSON.stringify(buildResource(emptied, mapping))).not.toContain('null');
  });

  it('the WFM accepts the body and clears what it carries as null or []; the answer, as stored or echoed, plans nothing', () => {
    const body = mergeOwned(held({ phoneNumbers: [{ value: '+44 7700 900001', type: 'mobile' }], [ENTERPRISE_URN]: { department: 'Sales' } }), emptied, mapping);
    expect(body.phoneNumbers).toEqual([]);
    expect(body[ENTERPRISE_URN]).toEqual({ department: null });
    const { schemas, attrs } = parseUserBody(body, 'replace');
    expect(attrs.phoneNumbers).toBeUndefined();
    expect(attrs.name).toEqual({ givenName: 'Maria', familyName: 'Lopez' });
    expect(attrs[ENTERPRISE_URN]).toBeUndefined();
    expect(schemas).not.toContain(ENTERPRISE_URN);
    expect(attrs[CUSTOM_URN]).toEqual({ site: null, badge: 'B-2' });
    // Absent (as stored), or null and [] (echoed as sent): the same unassigned value (RFC 7643 §2.5).
    expect(diffOwned(emptied, { ...attrs, schemas, id: 'w1' }, mapping)).toEqual([]);
    expect(diffOwned(emptied, body, mapping)).toEqual([]);
  });
});
