// /ServiceProviderConfig, /ResourceTypes and /Schemas (RFC 7643 sections 5-7), generated from
// the same attribute definitions the validator and the filter use.
import { enabledAttrDefs } from './disabled-attributes';
import type { Reply } from './http-io';
import { scimError, scimOk } from './http-io';
import type { AttrDef } from './schema';
import {
  CORE_USER_ATTRS, CORE_USER_URN, ENTERPRISE_USER_ATTRS, ENTERPRISE_USER_URN, LIST_RESPONSE_URN,
  NICE_USER_ATTRS, NICE_USER_URN,
} from './schema';
import type { WfmConfig } from './state';

const listOf = (resources: unknown[]) => ({
  schemas: [LIST_RESPONSE_URN],
  totalResults: resources.length,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources,
});

const describe = (def: AttrDef): Record<string, unknown> => ({
  name: def.name,
  type: def.type,
  multiValued: def.multiValued === true,
  description: def.description,
  required: def.required === true,
  ...(def.type === 'string' ? { caseExact: def.caseExact === true } : {}),
  ...(def.type === 'reference' ? { referenceTypes: ['uri', 'external'] } : {}),
  mutability: def.mutability ?? 'readWrite',
  returned: 'default',
  uniqueness: def.uniqueness ?? 'none',
  ...(def.subAttributes ? { subAttributes: def.subAttributes.map(describe) } : {}),
});

const schemaResource = (scimUrl: string, id: string, name: string, description: string, attrs: AttrDef[]) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
  id,
  name,
  description,
  attributes: attrs.map(describe),
  meta: { resourceType: 'Schema', location: `${scimUrl}/Schemas/${id}` },
});

// A tenant describes only the attributes it has enabled.
const schemas = (scimUrl: string, disabled: readonly string[]) => {
  const one = (urn: string, name: string, description: string, attrs: AttrDef[]) =>
    schemaResource(scimUrl, urn, name, description, enabledAttrDefs(urn, attrs, disabled));
  return [
    one(CORE_USER_URN, 'User', 'User account (WFM profile)', CORE_USER_ATTRS),
    one(ENTERPRISE_USER_URN, 'EnterpriseUser', 'Enterprise user', ENTERPRISE_USER_ATTRS),
    one(NICE_USER_URN, 'NiceUser', 'NICE WFM user extension', NICE_USER_ATTRS),
  ];
};

const userResourceType = (scimUrl: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  description: 'WFM agents and supervisors',
  schema: CORE_USER_URN,
  schemaExtensions: [
    { schema: ENTERPRISE_USER_URN, required: false },
    { schema: NICE_USER_URN, required: false },
  ],
  meta: { resourceType: 'ResourceType', location: `${scimUrl}/ResourceTypes/User` },
});

const serviceProviderConfig = (scimUrl: string, config: WfmConfig) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
  patch: { supported: false },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: config.maxPageSize },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: config.etags },
  // RFC 9865 §4: advertised by a WFM paging by cursor.
  ...(config.pagination === 'cursor'
    ? { pagination: { cursor: true, index: false, defaultPaginationMethod: 'cursor', defaultPageSize: config.maxPageSize, maxPageSize: config.maxPageSize } }
    : {}),
  authenticationSchemes: [{
    type: 'oauthbearertoken',
    name: 'OAuth Bearer Token',
    description: 'A bearer token generated in the WFM admin console',
    primary: true,
  }],
  meta: { resourceType: 'ServiceProviderConfig', location: `${scimUrl}/ServiceProviderConfig` },
});

/** `rest`: the path segments after /scim/v2; undefined when this is not a discovery path. */
export const handleDiscovery = (method: string, rest: string[], scimUrl: string, config: WfmConfig): Reply | undefined => {
  const [endpoint, id, ...more] = rest;
  if (endpoint !== 'ServiceProviderConfig' && endpoint !== 'ResourceTypes' && endpoint !== 'Schemas') return undefined;
  if (method !== 'GET') return { ...scimError(405, `${method} is not allowed on /${endpoint}`), headers: { allow: 'GET' } };
  if (more.length > 0) return scimError(404, 'Not found');
  if (endpoint === 'ServiceProviderConfig') {
    return id === undefined ? scimOk(200, serviceProviderConfig(scimUrl, config)) : scimError(404, 'Not found');
  }
  const all = endpoint === 'Schemas' ? schemas(scimUrl, config.disabledAttributes) : [userResourceType(scimUrl)];
  if (id === undefined) return scimOk(200, listOf(all));
  const one = all.find((r) => r.id === id);
  return one ? scimOk(200, one) : scimError(404, `${endpoint.slice(0, -1)} ${id} not found`);
};
