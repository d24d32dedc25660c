import { buildMapping, DEFAULT_MAPPING, type Mapping } from '../../config/mapping';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { buildResource, diffOwned, mergeOwned } from '../../mappers/scim-merge';
import { parseUserBody } from '../../sandbox/wfm/validate';
import { classifyChange } from '../../sync/drift';
import { linkStates } from '../../sync/link-state';
import { plan } from '../../sync/plan';
import type { DesiredUser, ScimResource, WfmUser } from '../../sync/types';
import { oktaUser } from '../helpers/okta-user';

const NFD = (s: string): string => s.normalize('NFD');
const opts = { mapping: DEFAULT_MAPPING, supervisorGroups: [] };

function mapped(profile: Record<string, unknown>, mapping: Mapping = DEFAULT_MAPPING): DesiredUser {
  const r = mapOktaUser(oktaUser({ profile }), { mapping, supervisorGroups: [] });
  if (!r.ok) throw new Error(r.reason);
  return r.user;
}
const reasonFor = (profile: Record<string, unknown>, mapping: Mapping = DEFAULT_MAPPING): string | undefined => {
  const r = mapOktaUser(oktaUser({ profile }), { mapping, supervisorGroups: [] });
  return r.ok ? undefined : r.reason;
};
function mappingOf(file: unknown): Mapping {
  const built = buildMapping(file);
  if (!built.mapping) throw new Error(built.problems.join('\n'));
  return built.mapping;
}
const wfm = (id: string, raw: ScimResource): WfmUser => ({
  id,
  userName: String(raw.userName),
  externalId: typeof raw.externalId === 'string' ? raw.externalId : undefined,
  active: true,
  version: undefined,
  raw: { ...raw, id },
});

describe('Okta values of a shape the mapping cannot read as text: that user fails, the WFM value is not cleared', () => {
  const withDefault = mappingOf({ attributes: { 'enterprise.department': { source: 'profile.department', default: 'Unassigned' } } });

  it.each<[string, Record<string, unknown>, Mapping, string]>([
    ['a list', { department: ['Sales', 'Support'] }, DEFAULT_MAPPING, "enterprise.department: Okta's profile.department is a list, not a single value"],
    ['a one-item list', { department: ['Sales'] }, DEFAULT_MAPPING, "enterprise.department: Okta's profile.department is a list, not a single value"],
    ['an object', { firstName: { first: 'Maria' } }, DEFAULT_MAPPING, "name.givenName: Okta's profile.firstName is an object, not a single value"],
    ['a list, where the rule has a default', { department: ['Sales'] }, withDefault, "enterprise.department: Okta's profile.department is a list, not a single value"],
    ['a list where a required value is mapped', { email: ['a@example.com'] }, DEFAULT_MAPPING, "emails.work: Okta's profile.email is a list, not a single value"],
  ])('%s', (_what, profile, mapping, reason) => {
    expect(reasonFor(profile, mapping)).toBe(reason);
  });

  it('a list referred to by a template only', () => {
    const mapping = mappingOf({ attributes: { displayName: { template: '{{profile.nickName}} {{profile.lastName}}' } } });
    expect(reasonFor({ nickName: ['Mia'] }, mapping)).toBe("displayName: Okta's profile.nickName is a list, not a single value");
  });

  it('null, missing and empty stay "not set", and numbers and booleans are read as text', () => {
    for (const department of [null, undefined, '', '   ']) expect(mapped({ department }).attrs['enterprise.department']).toBeUndefined();
    expect(mapped({ employeeNumber: 1042, department: false }).attrs).toMatchObject({ 'enterprise.employeeNumber': '1042', 'enterprise.department': 'false' });
  });
});

describe('characters that are not plain text', () => {
  it.each([
    [{ lastName: 'Lo\ud800pez' }, 'name.familyName contains a broken character (a lone UTF-16 surrogate)'],
    [{ login: 'ana\u200b@example.com' }, 'userName contains invisible characters (zero-width, joiner or direction mark)'],
    [{ email: '\u202eana@example.com' }, 'emails.work contains invisible characters (zero-width, joiner or direction mark)'],
    [{ login: 'ana@example.com\u2060' }, 'userName contains invisible characters (zero-width, joiner or direction mark)'],
  ])('refuses %j', (profile, reason) => {
    expect(reasonFor(profile)).toBe(reason);
  });

  it('counts characters as code points: 256 emoji fit, 257 do not', () => {
    expect(mapped({ department: '😀'.repeat(256) }).attrs['enterprise.department']).toHaveLength(512);
    expect(reasonFor({ department: '😀'.repeat(257) })).toBe('enterprise.department is 257 characters long (at most 256)');
  });

  it('keeps joiners where they belong: in names (emoji sequences, Persian)', () => {
    expect(mapped({ firstName: '👩‍💻 Mehr\u200cnaz' }).attrs['name.givenName']).toBe('👩‍💻 Mehr\u200cnaz');
  });
});

describe('one name, two Unicode forms (NFC and NFD)', () => {
  it('maps Okta values in NFC, whichever form Okta holds them in', () => {
    const d = mapped({ login: NFD('renée@example.com'), email: NFD('renée@example.com'), firstName: NFD('Renée') });
    expect(d.userName).toBe('renée@example.com'.normalize('NFC'));
    expect(d.attrs).toMatchObject({ 'name.givenName': 'Renée'.normalize('NFC'), displayName: 'Renée Lopez'.normalize('NFC') });
  });

  it('a WFM that holds a value decomposed is up to date: no write, no drift', () => {
    const d = mapped({ firstName: 'Renée' });
    const held = JSON.parse(NFD(JSON.stringify(buildResource(d, DEFAULT_MAPPING)))) as ScimResource;
    expect(diffOwned(d, held, DEFAULT_MAPPING)).toEqual([]);
    expect(classifyChange({ path: 'name.givenName', from: NFD('Renée'), to: 'Bea' }, { 'name.givenName': 'Renée' })).toBe('okta');
  });

  it('links a WFM user made by hand whose userName is decomposed, rather than creating a second one', () => {
    const d = mapped({ login: 'zoë@example.com', email: 'zoë@example.com' });
    const [action] = plan([d], [wfm('w1', { userName: NFD('Zoë@example.com') })], opts);
    expect(action).toMatchObject({ type: 'update', link: true, wfmId: 'w1' });
  });

  it('two WFM users whose userNames differ only in form are one userName: a conflict, in the plan and in export', () => {
    const users = [wfm('w1', { userName: 'zoë@example.com' }), wfm('w2', { userName: NFD('zoë@example.com') })];
    expect(plan([mapped({ login: 'zoë@example.com', email: 'zoë@example.com' })], users, opts)[0]?.type).toBe('conflict');
    expect([...linkStates(users).values()]).toEqual(['conflict', 'conflict']);
  });
});

describe('other values the WFM may hold in another spelling', () => {
  it('a role value in another case is the same role (RFC 7643: roles.value is caseExact=false)', () => {
    const d = mapped({});
    expect(diffOwned(d, { ...buildResource(d, DEFAULT_MAPPING), roles: [{ value: 'Agent', primary: true }] }, DEFAULT_MAPPING)).toEqual([]);
  });

  it('a phone number the WFM formats otherwise (RFC 3966 tel: URI, separators) is the same number', () => {
    const mapping = mappingOf({ attributes: { 'phoneNumbers.mobile': { source: 'profile.mobilePhone' } } });
    const d = mapped({ mobilePhone: '+1 (555) 010-0100' }, mapping);
    expect(d.attrs['phoneNumbers.mobile']).toBe('+1 (555) 010-0100');
    const held = (value: string): ScimResource => ({ ...buildResource(d, mapping), phoneNumbers: [{ type: 'mobile', value }] });
    expect(diffOwned(d, held('tel:+1-555-010-0100'), mapping)).toEqual([]);
    expect(diffOwned(d, held('+1.555.010.0100'), mapping)).toEqual([]);
    expect(diffOwned(d, held('+1 555 010 0101'), mapping).map((c) => c.path)).toEqual(['phoneNumbers.mobile']);
  });

  it('template references are trimmed one by one: no double space inside', () => {
    expect(mapped({ firstName: '  Pad ', lastName: ' Ded  ' }).attrs.displayName).toBe('Pad Ded');
  });

  it('an extension the WFM answers without listing it in schemas is listed in the PUT, which a strict WFM then accepts', () => {
    const d = mapped({});
    const read: ScimResource = { ...buildResource(d, DEFAULT_MAPPING), id: 'w1', 'urn:example:acme:2.0:User': { site: 'Leeds' } };
    const refusal = (body: ScimResource): string | undefined => {
      try {
        parseUserBody(body, 'replace');
        return undefined;
      } catch (err) {
        return JSON.stringify((err as { reply?: unknown }).reply);
      }
    };
    expect(refusal(read)).toContain("extension 'urn:example:acme:2.0:User' is used but not listed in 'schemas'");
    const body = mergeOwned(read, d, DEFAULT_MAPPING);
    expect(body.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:example:acme:2.0:User']);
    expect(refusal(body)).toBeUndefined();
  });
});
