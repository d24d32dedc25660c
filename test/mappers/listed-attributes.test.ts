import { heldAttributes, leftOutOfListing } from '../../mappers/listed-attributes';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('what a listing leaves out of a user, against the user read alone', () => {
  const alone = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    id: 'w1',
    meta: { version: 'W/"2"' },
    userName: 'maria@example.com',
    name: { givenName: 'Maria', familyName: 'Lopez' },
    title: 'Team lead',
    emails: [{ value: 'maria@example.com', type: 'work' }],
    [ENTERPRISE]: { department: 'Sales', manager: { value: 'w9' }, costCenter: '' },
  };

  it('names attributes by path, sub-attributes and extension attributes included; bookkeeping and empty values are not data', () => {
    expect([...heldAttributes(alone)].sort()).toEqual(['emails', 'name.familyname', 'name.givenname', 'title', `${ENTERPRISE}:department`.toLowerCase(), `${ENTERPRISE}:manager`.toLowerCase(), 'username'].sort());
  });

  it('finds what the listed copy lacks, and nothing when it holds the same (names compared without case)', () => {
    const { title: _title, ...withoutTitle } = alone;
    const listed = { ...withoutTitle, [ENTERPRISE]: { department: 'Sales' }, Emails: alone.emails, emails: undefined };
    expect(leftOutOfListing(listed, alone)).toEqual(['title', `${ENTERPRISE}:manager`.toLowerCase()].sort());
    expect(leftOutOfListing({ ...alone, meta: undefined }, alone)).toEqual([]);
  });
});
