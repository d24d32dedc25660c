import { DEFAULT_MAPPING } from '../../config/mapping';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { diffOwned, mergeOwned } from '../../mappers/scim-merge';
import type { DesiredUser, ScimResource } from '../../sync/types';
import { oktaUser } from '../helpers/okta-user';

function desired(firstName: string, lastName: string): DesiredUser {
  const r = mapOktaUser(oktaUser({ id: '00u1', profile: { firstName, lastName, login: 'jane@example.com', email: 'jane@example.com' } }), {
    mapping: DEFAULT_MAPPING,
    supervisorGroups: [],
  });
  if (!r.ok) throw new Error(r.reason);
  return r.user;
}

function current(name: Record<string, unknown>): ScimResource {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: 'w1',
    externalId: '00u1',
    userName: 'jane@example.com',
    name,
    emails: [{ value: 'jane@example.com', type: 'work', primary: true }],
    active: true,
  };
}

const formattedOf = (r: ScimResource): unknown => (r.name as Record<string, unknown>).formatted;

describe('mergeOwned: the full name (name.formatted) the WFM holds', () => {
  it('is written again from the parts when an owned part changed, with the parts we do not own', () => {
    const read = current({ givenName: 'Jane', familyName: 'Smith', honorificPrefix: 'Dr.', formatted: 'Dr. Jane Smith' });
    expect(formattedOf(mergeOwned(read, desired('Jane', 'Doe'), DEFAULT_MAPPING))).toBe('Dr. Jane Doe');
  });

  it('keeps the "Family, Given" order the WFM used', () => {
    const read = current({ givenName: 'Jane', familyName: 'Smith', middleName: 'Q', formatted: 'Smith, Jane Q' });
    expect(formattedOf(mergeOwned(read, desired('Janet', 'Smith'), DEFAULT_MAPPING))).toBe('Smith, Janet Q');
  });

  it('sends back as read a full name a WFM admin wrote otherwise than from the parts: it is not ours', () => {
    const read = current({ givenName: 'Jane', familyName: 'Smith', formatted: 'J. Smith (night shift)' });
    expect(formattedOf(mergeOwned(read, desired('Jane', 'Doe'), DEFAULT_MAPPING))).toBe('J. Smith (night shift)');
  });

  it('is sent as read when no part changed (only another attribute is written)', () => {
    const read = current({ givenName: 'Jane', familyName: 'Smith', formatted: 'J. Smith (night shift)' });
    read.emails = [{ value: 'old@example.com', type: 'work', primary: true }];
    const merged = mergeOwned(read, desired('Jane', 'Smith'), DEFAULT_MAPPING);
    expect(formattedOf(merged)).toBe('J. Smith (night shift)');
  });

  it('is not added where the WFM holds none, and is never a planned change itself', () => {
    const read = current({ givenName: 'Jane', familyName: 'Smith' });
    expect(formattedOf(mergeOwned(read, desired('Jane', 'Doe'), DEFAULT_MAPPING))).toBeUndefined();
    const merged = mergeOwned(current({ givenName: 'Jane', familyName: 'Smith', formatted: 'Jane Smith' }), desired('Jane', 'Doe'), DEFAULT_MAPPING);
    expect(diffOwned(desired('Jane', 'Doe'), merged, DEFAULT_MAPPING)).toEqual([]);
  });
});
