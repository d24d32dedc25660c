import type { Mapping } from '../config/mapping';
import { CORE_URN, ENTERPRISE_URN, NICE_URN } from '../config/targets';
import { ownedPaths } from './okta-to-wfm';

/**
 * RFC 7643 §2.1: SCIM attribute names and schema URNs are case-insensitive, so a WFM may answer
 * `UserName`, `Emails: [{Value, Type}]` or `resources`. What the sync reads is brought to one
 * spelling when it arrives, so the diff finds every owned value and a PUT carries one key per
 * attribute. Names the sync does not know are kept as the WFM sent them.
 */

export const LIST_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** A userName as a WFM compares it: surrounding spaces dropped, case ignored (RFC 7643 caseExact=false), one Unicode form (NFC). */
export const userNameKey = (s: string): string => s.trim().toLowerCase().normalize('NFC');

/** Sub-attributes by name; an empty spec is a simple attribute. */
type Spec = Readonly<{ [name: string]: Spec }>;
type Attr = Readonly<{ name: string; sub?: Names; urns?: ReadonlyMap<string, string>; multi?: boolean }>;
/** Known attributes, looked up by their canonical spelling and by their lower case. */
type Names = ReadonlyMap<string, Attr>;

/** The names a User resource is read with: built once per mapping, since its custom extension is known there. */
export type ScimNames = Readonly<{ user: Names }>;

const simple = (...names: string[]): Spec => Object.fromEntries(names.map((n) => [n, {}]));

const MULTI_VALUED = simple('value', 'display', 'type', 'primary', '$ref');
const MULTI_VALUED_ATTRS = ['emails', 'phoneNumbers', 'ims', 'photos', 'groups', 'entitlements', 'roles', 'x509Certificates'];
/** Multi-valued attributes of the core User (RFC 7643 §4.1.2), addresses included. */
const MULTI = new Set([...MULTI_VALUED_ATTRS, 'addresses']);

/** RFC 7643 §4.1 User, with `timeZone` spelled as the WFM answers it (mergeOwned sends it as `timezone`). */
const CORE_USER: Spec = {
  ...simple('schemas', 'id', 'externalId', 'userName', 'displayName', 'nickName', 'profileUrl', 'title', 'userType'),
  ...simple('preferredLanguage', 'locale', 'timeZone', 'active', 'password'),
  meta: simple('resourceType', 'created', 'lastModified', 'location', 'version'),
  name: simple('formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'),
  addresses: simple('formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type', 'primary'),
  ...Object.fromEntries(MULTI_VALUED_ATTRS.map((n) => [n, MULTI_VALUED])),
};

const ENTERPRISE_USER: Spec = {
  ...simple('employeeNumber', 'costCenter', 'organization', 'division', 'department'),
  manager: simple('value', '$ref', 'displayName'),
};

const NICE_USER: Spec = { team: simple('value', 'display'), loginAuthenticator: simple('value', 'display') };

const LIST_RESPONSE: Spec = simple('schemas', 'totalResults', 'startIndex', 'itemsPerPage', 'Resources', 'nextCursor', 'previousCursor');

function urnTable(urns: readonly string[]): ReadonlyMap<string, string> {
  return new Map(urns.flatMap((urn) => [[urn, urn] as const, [urn.toLowerCase(), urn] as const]));
}

/** `schemas` lists URNs, compared ignoring case like the extension keys they name. */
function namesOf(spec: Spec, urns: ReadonlyMap<string, string>, top = false): Names {
  const names = new Map<string, Attr>();
  for (const [name, sub] of Object.entries(spec)) {
    const complex = (): Attr => ({ name, sub: namesOf(sub, urns), ...(top && MULTI.has(name) ? { multi: true } : {}) });
    const attr: Attr = name === 'schemas' ? { name, urns } : Object.keys(sub).length > 0 ? complex() : { name };
    names.set(name, attr);
    names.set(name.toLowerCase(), attr);
  }
  return names;
}

/** The custom extension's URN and the attribute names the mapping sets in it. */
function customSpec(mapping: Mapping | undefined): Spec {
  if (mapping?.customSchema === undefined) return {};
  const attributes = ownedPaths(mapping).filter((p) => p.startsWith('custom.')).map((p) => p.slice('custom.'.length));
  return { [mapping.customSchema]: simple(...attributes) };
}

/** The core User, enterprise and NICE names, and the mapping's custom extension when it has one. */
export function scimNames(mapping?: Mapping): ScimNames {
  const custom = customSpec(mapping);
  const urns = urnTable([CORE_URN, ENTERPRISE_URN, NICE_URN, ...Object.keys(custom)]);
  return { user: namesOf({ ...CORE_USER, [ENTERPRISE_URN]: ENTERPRISE_USER, [NICE_URN]: NICE_USER, ...custom }, urns, true) };
}

const LIST_NAMES = namesOf(LIST_RESPONSE, urnTable([LIST_RESPONSE_URN]));

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A `__proto__` key sent by the WFM is defined, not assigned, so it stays a plain key. */
function put(out: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  else out[name] = value;
}

/** Maps each element, and gives back the array itself when none changed. */
function mapArray(values: unknown[], each: (v: unknown) => unknown): unknown[] {
  let out: unknown[] | undefined;
  values.forEach((v, i) => {
    const next = each(v);
    if (next !== v) (out ??= [...values])[i] = next;
  });
  return out ?? values;
}

function canonicalUrn(value: unknown, urns: ReadonlyMap<string, string>): unknown {
  return typeof value === 'string' ? (urns.get(value) ?? urns.get(value.toLowerCase()) ?? value) : value;
}

/** A bare value that says something: an empty string (some servers' "none") is left as sent. */
const isBare = (v: unknown): v is string | number => (typeof v === 'string' && v.trim() !== '') || (typeof v === 'number' && Number.isFinite(v));

/**
 * A multi-valued attribute as RFC 7643 §2.4 has it, a list of complex values, from the shapes some
 * servers send: one object alone (`emails: {value}`), a list of bare values (`roles: ["agent"]`,
 * whose entries are then `{value}`), or one bare value alone (`emails: "a@example.com"`). Read so,
 * an owned entry is found where the WFM holds it, and a PUT sends the list in the standard shape
 * rather than a bare value beside a complex one. (An address has no `value`: left as sent.)
 */
function asEntries(name: string, value: unknown): unknown {
  if (isRecord(value)) return [value];
  if (name === 'addresses') return value;
  if (isBare(value)) return [{ value: String(value) }];
  if (!Array.isArray(value)) return value;
  return mapArray(value, (v) => (isBare(v) ? { value: String(v) } : v));
}

function canonicalValue(value: unknown, attr: Attr): unknown {
  const { sub, urns } = attr;
  if (urns !== undefined && Array.isArray(value)) return mapArray(value, (v) => canonicalUrn(v, urns));
  if (sub === undefined) return value;
  const shaped = attr.multi ? asEntries(attr.name, value) : value;
  if (Array.isArray(shaped)) return mapArray(shaped, (v) => (isRecord(v) ? canonicalObject(v, sub) : v));
  return isRecord(shaped) ? canonicalObject(shaped, sub) : shaped;
}

/**
 * One object with its known names in canonical case, recursively. Copies only what it changes, so
 * a resource already spelled canonically comes back as the same object. When the WFM sends one
 * attribute under two spellings, the canonical spelling wins, else the first.
 */
function canonicalObject(node: Record<string, unknown>, names: Names): Record<string, unknown> {
  const keys = Object.keys(node);
  let out: Record<string, unknown> | undefined;
  keys.forEach((key, i) => {
    const attr = names.get(key) ?? names.get(key.toLowerCase());
    const value = node[key];
    const name = attr?.name ?? key;
    const next = attr === undefined ? value : canonicalValue(value, attr);
    if (out === undefined) {
      if (name === key && next === value) return;
      out = {};
      for (const earlier of keys.slice(0, i)) put(out, earlier, node[earlier]);
    }
    if (key === name || !Object.hasOwn(out, name)) put(out, name, next);
  });
  return out ?? node;
}

/** A User resource as read, with the attributes the sync knows in canonical case. */
export function canonicalUser(raw: unknown, names: ScimNames): unknown {
  return isRecord(raw) ? canonicalObject(raw, names.user) : raw;
}

/** A ListResponse as read, with its own attributes in canonical case (its Resources are users, read one by one). */
export function canonicalListResponse(raw: unknown): unknown {
  return isRecord(raw) ? canonicalObject(raw, LIST_NAMES) : raw;
}
