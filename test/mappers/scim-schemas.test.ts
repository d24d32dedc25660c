import { CORE_URN, ENTERPRISE_URN } from '../../config/targets';
import { unlistedPaths } from '../../mappers/scim-schemas';

const core = {
  id: CORE_URN,
  attributes: [
    { name: 'userName' },
    { name: 'name', subAttributes: [{ name: 'givenName' }, { name: 'familyName' }] },
    { name: 'emails', subAttributes: [{ name: 'value' }, { name: 'type' }] },
    { name: 'timezone' },
  ],
};
const enterprise = { id: ENTERPRISE_URN, attributes: [{ name: 'department' }, { name: 'manager' }] };
const PATHS = ['userName', 'name.givenName', 'name.middleName', 'emails.work', 'timezone', 'roles.primary', 'externalId', 'enterprise.department', 'enterprise.manager.value', 'nice.team.value', 'custom.badge'];

describe('unlistedPaths: the mapped attributes a WFM\'s /Schemas answer does not list', () => {
  it('reads a ListResponse (names ignoring case) and names what is missing; externalId is a common attribute, never listed', () => {
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 2, Resources: [core, enterprise] };
    expect(unlistedPaths(body, PATHS, 'urn:example:wfm:1.0:User')).toEqual(['name.middleName', 'roles.primary', 'nice.team.value']);
  });

  it('a custom extension is judged when published, and left alone when not (a WFM may store one it publishes no schema for)', () => {
    const custom = { id: 'urn:example:wfm:1.0:User', attributes: [{ name: 'site' }] };
    expect(unlistedPaths([core, custom], ['custom.badge', 'custom.site'], 'urn:example:wfm:1.0:User')).toEqual(['custom.badge']);
    expect(unlistedPaths([core], ['custom.badge'], 'urn:example:wfm:1.0:User')).toEqual([]);
  });

  it('reads a bare array, lower-case keys and names in another case', () => {
    const shouted = { ID: CORE_URN.toUpperCase(), Attributes: [{ Name: 'USERNAME' }, { name: 'TimeZone' }] };
    expect(unlistedPaths({ resources: [shouted] }, ['userName', 'timezone', 'displayName'])).toEqual(['displayName']);
    expect(unlistedPaths([core], ['timezone'])).toEqual([]);
  });

  it('an attribute that lists no sub-attributes may hold any (manager.value counts as listed)', () => {
    expect(unlistedPaths([core, enterprise], ['enterprise.manager.value'])).toEqual([]);
  });

  it('no readable core User schema with attributes: nothing can be told', () => {
    for (const body of [undefined, null, 'text', {}, { Resources: 'x' }, [enterprise], [{ attributes: [] }], [{ id: CORE_URN, attributes: [] }]]) expect(unlistedPaths(body, PATHS)).toBeUndefined();
  });
});
