import fc from 'fast-check';
import { DEFAULT_MAPPING } from '../../config/mapping';
import { CORE_URN, ENTERPRISE_URN, NICE_URN } from '../../config/targets';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { canonicalListResponse, canonicalUser, LIST_RESPONSE_URN, scimNames } from '../../mappers/scim-canonical';
import { diffOwned, mergeOwned } from '../../mappers/scim-merge';
import type { DesiredUser, ScimResource } from '../../sync/types';
import { oktaUser } from '../helpers/okta-user';
import { CUSTOM_URN, EXTENDED_MAPPING } from '../helpers/scim-mapping';

const SEED = Number(process.env.FAST_CHECK_SEED ?? 20261128);

const mapping = EXTENDED_MAPPING;
const names = scimNames(mapping);

function desiredUser(): DesiredUser {
  const profile = { department: 'Sales', employeeNumber: '42', city: 'Leeds', team: 'T-1', timezone: 'Europe/London' };
  const r = mapOktaUser(oktaUser({ id: '00u1', profile }), { mapping, supervisorGroups: [] });
  if (!r.ok) throw new Error(r.reason);
  return r.user;
}

/** A WFM resource holding exactly what desiredUser() maps to, plus attributes WFM admins set. */
const canonical: ScimResource = {
  schemas: [CORE_URN, ENTERPRISE_URN, NICE_URN, CUSTOM_URN],
  id: 'w1',
  externalId: '00u1',
  userName: 'maria.lopez@example.com',
  name: { givenName: 'Maria', familyName: 'Lopez', middleName: 'Ann' },
  displayName: 'Maria Lopez',
  emails: [
    { value: 'maria.lopez@example.com', type: 'work', primary: true },
    { value: 'home@example.com', type: 'home', primary: false },
  ],
  phoneNumbers: [{ value: '+44 1', type: 'mobile' }],
  roles: [{ value: 'agent', primary: true }],
  timeZone: 'Europe/London',
  active: true,
  [ENTERPRISE_URN]: { employeeNumber: '42', department: 'Sales', manager: { value: 'm1', displayName: 'Boss' } },
  [NICE_URN]: { team: { value: 'T-1', display: 'Team 1' }, loginAuthenticator: { value: 'sso', display: 'SSO' } },
  [CUSTOM_URN]: { site: 'Leeds' },
  meta: { resourceType: 'User', version: 'W/"3"', lastModified: '2026-01-01T00:00:00Z' },
};

const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The same resource with every key re-cased by `casing` (called once per key, in document order). */
function recased(node: unknown, casing: (key: string) => string): unknown {
  if (Array.isArray(node)) return node.map((v) => recased(v, casing));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [casing(k), recased(v, casing)]));
}

describe('canonicalUser: known SCIM names in canonical case, whatever case the WFM answers in', () => {
  const odd = recased(canonical, upperFirst) as ScimResource;

  it('respells core attributes, sub-attributes, multi-valued entries, extension keys and their attributes', () => {
    expect(odd).toHaveProperty('UserName');
    expect(canonicalUser(odd, names)).toEqual(canonical);
    expect(canonicalUser(recased(canonical, (k) => k.toLowerCase()), names)).toEqual(canonical);
    expect(canonicalUser(recased(canonical, (k) => k.toUpperCase()), names)).toEqual(canonical);
  });

  it('reads timezone in any case as timeZone, as the WFM answers it', () => {
    expect(canonicalUser({ TimeZone: 'A' }, names)).toEqual({ timeZone: 'A' });
    expect(canonicalUser({ timezone: 'A' }, names)).toEqual({ timeZone: 'A' });
  });

  it('respells the schema URNs listed in schemas, so a merge adds none twice', () => {
    const read = canonicalUser({ schemas: [CORE_URN.toUpperCase(), NICE_URN.toLowerCase(), 'urn:Other:X'] }, names) as ScimResource;
    expect(read.schemas).toEqual([CORE_URN, NICE_URN, 'urn:Other:X']);
  });

  it('keeps names it does not know as the WFM sent them, also inside known attributes', () => {
    const read = canonicalUser(
      { UserName: 'a', Nickname2: 'n', Name: { GivenName: 'A', Suffix2: 's' }, 'urn:Other:Ext': { Foo: { Bar: 1 } }, Emails: [{ Value: 'a', Label: 'x' }] },
      names,
    );
    expect(read).toEqual({ userName: 'a', Nickname2: 'n', name: { givenName: 'A', Suffix2: 's' }, 'urn:Other:Ext': { Foo: { Bar: 1 } }, emails: [{ value: 'a', Label: 'x' }] });
  });

  it('knows the custom extension and its attributes only from the mapping', () => {
    const custom = { [CUSTOM_URN.toUpperCase()]: { Site: 'Leeds' } };
    expect(canonicalUser(custom, names)).toEqual({ [CUSTOM_URN]: { site: 'Leeds' } });
    expect(canonicalUser(custom, scimNames())).toEqual(custom);
  });

  it('copies only what it respells: a canonical resource is the same object, and the one read stays unchanged', () => {
    expect(canonicalUser(canonical, names)).toBe(canonical);
    expect((canonicalUser({ ...canonical, Active: true }, names) as ScimResource).name).toBe(canonical.name);
    const before = JSON.stringify(odd);
    canonicalUser(odd, names);
    expect(JSON.stringify(odd)).toBe(before);
  });

  it('keeps one key for an attribute sent under two spellings: the canonical one, else the first', () => {
    expect(canonicalUser({ UserName: 'first', userName: 'canonical', USERNAME: 'third' }, names)).toEqual({ userName: 'canonical' });
    expect(canonicalUser({ UserName: 'first', USERNAME: 'second' }, names)).toEqual({ userName: 'first' });
  });

  it('keeps a __proto__ key a plain key', () => {
    const read = canonicalUser(JSON.parse('{"UserName": "a", "__proto__": {"polluted": true}}'), names) as ScimResource;
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.hasOwn(read, '__proto__')).toBe(true);
    expect(read.userName).toBe('a');
  });

  it('reads a multi-valued attribute sent as one object, or as a list of bare values, as a list of {value} entries', () => {
    expect(canonicalUser({ Emails: { Value: 'a@example.com', Type: 'work' }, roles: ['agent', 7], phoneNumbers: [{ value: '+1 555' }, '+1 556'] }, names)).toEqual({
      emails: [{ value: 'a@example.com', type: 'work' }],
      roles: [{ value: 'agent' }, { value: '7' }],
      phoneNumbers: [{ value: '+1 555' }, { value: '+1 556' }],
    });
    // Only the User's own multi-valued attributes: an extension's and an unknown one are left as sent.
    expect(canonicalUser({ [ENTERPRISE_URN]: { manager: { value: 'm1' } }, skills: ['a'] }, names)).toEqual({ [ENTERPRISE_URN]: { manager: { value: 'm1' } }, skills: ['a'] });
  });

  it('a WFM that holds its roles as bare values: the role we own is found there, and a PUT sends entries only', () => {
    const r = mapOktaUser(oktaUser({ id: '00u1', groups: [] }), { mapping: DEFAULT_MAPPING, supervisorGroups: ['WFM Supervisors'] });
    if (!r.ok) throw new Error(r.reason);
    const read = canonicalUser({ schemas: [CORE_URN], id: 'w1', externalId: '00u1', userName: r.user.userName, roles: ['agent'], active: true }, names) as ScimResource;
    expect(diffOwned(r.user, read, DEFAULT_MAPPING).map((c) => c.path)).not.toContain('roles.primary');
    const merged = mergeOwned(read, r.user, DEFAULT_MAPPING);
    expect((merged.roles as unknown[]).every((e) => typeof e === 'object')).toBe(true);
  });

  it('a WFM that holds several roles as bare values: none is overwritten by the role we own', () => {
    const r = mapOktaUser(oktaUser({ id: '00u1', groups: [] }), { mapping: DEFAULT_MAPPING, supervisorGroups: ['WFM Supervisors'] });
    if (!r.ok) throw new Error(r.reason);
    const base = { schemas: [CORE_URN], id: 'w1', externalId: '00u1', userName: r.user.userName, active: true };
    // Ours among them: found, no change.
    const holding = canonicalUser({ ...base, roles: ['scheduler', 'agent'] }, names) as ScimResource;
    expect(diffOwned(r.user, holding, DEFAULT_MAPPING).map((c) => c.path)).not.toContain('roles.primary');
    // Ours not among them: ours goes first, as the primary role; the admin's stay as they were.
    const other = canonicalUser({ ...base, roles: ['scheduler', 'trainer'] }, names) as ScimResource;
    expect(diffOwned(r.user, other, DEFAULT_MAPPING).map((c) => c.path)).toContain('roles.primary');
    expect(mergeOwned(other, r.user, DEFAULT_MAPPING).roles).toEqual([{ value: 'agent', primary: true }, { value: 'scheduler' }, { value: 'trainer' }]);
  });

  it('leaves what is not an object alone', () => {
    expect(canonicalUser('text', names)).toBe('text');
    expect(canonicalUser({ Name: 'not an object', Addresses: 'x', active: true }, names)).toEqual({ name: 'not an object', addresses: 'x', active: true });
  });

  it('reads one bare value sent for a multi-valued attribute as a list of one {value} entry', () => {
    expect(canonicalUser({ Emails: 'a@example.com', phoneNumbers: 5550100 }, names)).toEqual({
      emails: [{ value: 'a@example.com' }],
      phoneNumbers: [{ value: '5550100' }],
    });
    // An empty one (a server's "none") is not a value: left as sent, not sent back as an empty entry.
    expect(canonicalUser({ phoneNumbers: '', ims: ' ' }, names)).toEqual({ phoneNumbers: '', ims: ' ' });
  });
});

describe('a resource read in another case diffs and merges as the canonical one', () => {
  const desired = desiredUser();

  it('a no-op stays a no-op: the resource in another case diffs empty once read', () => {
    expect(diffOwned(desired, canonical, mapping)).toEqual([]);
    const odd = recased(canonical, upperFirst) as ScimResource;
    expect(diffOwned(desired, odd, mapping).length).toBeGreaterThan(0);
    expect(diffOwned(desired, canonicalUser(odd, names) as ScimResource, mapping)).toEqual([]);
  });

  it('any casing of the keys reads, diffs and merges as the canonical spelling', () => {
    const casing = fc.constantFrom<(k: string) => string>(
      (k) => k,
      (k) => k.toLowerCase(),
      (k) => k.toUpperCase(),
      upperFirst,
    );
    const moved = { ...desired, attrs: { ...desired.attrs, 'name.familyName': 'Smith', 'custom.site': 'York' } };
    fc.assert(
      fc.property(fc.infiniteStream(casing), (stream) => {
        const read = canonicalUser(recased(canonical, (k) => stream.next().value(k)), names) as ScimResource;
        expect(read).toEqual(canonical);
        expect(diffOwned(desired, read, mapping)).toEqual([]);
        expect(mergeOwned(read, moved, mapping)).toEqual(mergeOwned(canonical, moved, mapping));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe('canonicalListResponse', () => {
  it('respells the ListResponse attributes and its schema URN, not the resources in it', () => {
    const user = { UserName: 'a' };
    const read = canonicalListResponse({ Schemas: [LIST_RESPONSE_URN.toLowerCase()], TotalResults: 1, startindex: 1, ITEMSPERPAGE: 1, resources: [user] });
    expect(read).toEqual({ schemas: [LIST_RESPONSE_URN], totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [user] });
    expect((read as { Resources: unknown[] }).Resources[0]).toBe(user);
  });
});
