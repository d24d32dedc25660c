// The attribute definitions of the WFM profile (RFC 7643 section 7 form). They drive body
// validation, filter attribute resolution and the /Schemas discovery endpoint, so the three
// can never disagree about what the emulated service knows.

export const CORE_USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const NICE_USER_URN = 'urn:ietf:params:scim:schemas:extension:nice:2.0:User';
export const LIST_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type AttrType = 'string' | 'boolean' | 'dateTime' | 'reference' | 'complex';

export type AttrDef = {
  name: string;
  type: AttrType;
  multiValued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  mutability?: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  uniqueness?: 'none' | 'server' | 'global';
  description: string;
  subAttributes?: AttrDef[];
};

const str = (name: string, description: string, extra: Partial<AttrDef> = {}): AttrDef => ({
  name, type: 'string', description, ...extra,
});

const multiValue = (name: string, description: string): AttrDef => ({
  name,
  type: 'complex',
  multiValued: true,
  description,
  subAttributes: [
    str('value', `The ${name} value.`),
    str('display', 'A human-readable name.'),
    str('type', "A label, e.g. 'work'."),
    { name: 'primary', type: 'boolean', description: 'At most one value is primary.' },
  ],
});

export const CORE_USER_ATTRS: AttrDef[] = [
  str('userName', 'Unique login; an email address. Unique case-insensitively.', { required: true, uniqueness: 'server' }),
  {
    name: 'name',
    type: 'complex',
    required: true,
    description: 'The components of the user name.',
    subAttributes: [
      str('formatted', 'The full name.'),
      str('familyName', 'Family name.', { required: true }),
      str('givenName', 'Given name.', { required: true }),
      str('middleName', 'Middle name.'),
    ],
  },
  str('displayName', 'Name shown in the WFM console.'),
  multiValue('emails', 'Email addresses; one of type work is required.'),
  multiValue('phoneNumbers', 'Phone numbers (mobile).'),
  // RFC 7643 spells it `timezone`; this service answers `timeZone` (names are case-insensitive).
  str('timeZone', 'IANA time zone, e.g. Europe/Paris. Sent as timezone, returned as timeZone.'),
  str('userType', 'The kind of user.'),
  multiValue('roles', "The primary role, e.g. 'agent' or 'supervisor'."),
  { name: 'active', type: 'boolean', description: 'False when the user is suspended.' },
];

export const ENTERPRISE_USER_ATTRS: AttrDef[] = [
  str('employeeNumber', 'Employee number.'),
  str('costCenter', 'Cost center.'),
  str('organization', 'Organization.'),
  str('division', 'Division.'),
  str('department', 'Department.'),
  {
    name: 'manager',
    type: 'complex',
    description: 'The user manager.',
    subAttributes: [
      str('value', 'The manager id.'),
      { name: '$ref', type: 'reference', description: 'The manager URI.' },
      str('displayName', 'The manager name.', { mutability: 'readOnly' }),
    ],
  },
];

const valueDisplay = (name: string, description: string): AttrDef => ({
  name,
  type: 'complex',
  description,
  subAttributes: [str('value', `The ${name} id.`), str('display', `The ${name} name.`)],
});

export const NICE_USER_ATTRS: AttrDef[] = [
  valueDisplay('team', 'The WFM team.'),
  valueDisplay('loginAuthenticator', 'The login authenticator (e.g. SSO).'),
];

// Common attributes (RFC 7643 section 3.1) that filters may reference.
export const COMMON_ATTRS: AttrDef[] = [
  str('id', 'Opaque, server-assigned.', { caseExact: true, mutability: 'readOnly', uniqueness: 'server' }),
  str('externalId', 'Identifier assigned by the provisioning client.', { caseExact: true }),
  {
    name: 'meta',
    type: 'complex',
    mutability: 'readOnly',
    description: 'Resource metadata.',
    subAttributes: [
      str('resourceType', 'Always User.', { caseExact: true }),
      { name: 'created', type: 'dateTime', description: 'Creation time.' },
      { name: 'lastModified', type: 'dateTime', description: 'Last modification time.' },
      { name: 'location', type: 'reference', caseExact: true, description: 'Resource URI.' },
      str('version', 'Weak entity tag.', { caseExact: true }),
    ],
  },
];

export const KNOWN_EXTENSIONS: ReadonlyMap<string, AttrDef[]> = new Map([
  [ENTERPRISE_USER_URN.toLowerCase(), ENTERPRISE_USER_ATTRS],
  [NICE_USER_URN.toLowerCase(), NICE_USER_ATTRS],
]);

export const canonicalKnownUrn = (urn: string): string | undefined =>
  [CORE_USER_URN, ENTERPRISE_USER_URN, NICE_USER_URN].find((u) => u.toLowerCase() === urn.toLowerCase());

export const findAttr = (defs: readonly AttrDef[], name: string): AttrDef | undefined =>
  defs.find((d) => d.name.toLowerCase() === name.toLowerCase());

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Case-insensitive own-key lookup (RFC 7643 section 2.1: attribute names are case-insensitive). */
export const getCi = (obj: Record<string, unknown>, name: string): unknown => {
  if (Object.hasOwn(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : obj[key];
};
