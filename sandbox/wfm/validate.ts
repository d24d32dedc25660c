// Validation of POST/PUT bodies against the profile. Unknown attributes of a known schema are
// ignored and not stored (RFC 7644 lets a provider ignore them); custom extension objects are
// stored as sent, because we cannot know their schema.
import type { AttrDef } from './schema';
import {
  canonicalKnownUrn, COMMON_ATTRS, CORE_USER_ATTRS, CORE_USER_URN, isRecord, KNOWN_EXTENSIONS,
} from './schema';
import { isCoreAttributeDisabled, withoutDisabled } from './disabled-attributes';
import { scimFail } from './http-io';

export type ParsedUser = {
  schemas: string[];
  /** Canonical attribute names; extension objects keyed by their URN. */
  attrs: Record<string, unknown>;
  /** The `id` found in the body, if any (checked against the URL on PUT). */
  bodyId?: unknown;
};

export type ParseMode = 'create' | 'replace';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const DEFAULT_ROLES = (): Record<string, unknown>[] => [{ value: 'agent', primary: true }];

const invalidValue = (detail: string) => scimFail(400, detail, 'invalidValue');
const invalidSyntax = (detail: string) => scimFail(400, detail, 'invalidSyntax');

/** Maps lower-cased keys to keys, refusing two keys that differ only by case. */
const keyIndex = (obj: Record<string, unknown>, where: string): Map<string, string> => {
  const index = new Map<string, string>();
  for (const key of Object.keys(obj)) {
    const lower = key.toLowerCase();
    if (index.has(lower)) throw invalidSyntax(`${where}: attribute '${key}' is given twice (names are case-insensitive)`);
    index.set(lower, key);
  }
  return index;
};

const checkScalar = (def: AttrDef, value: unknown, path: string): unknown => {
  switch (def.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw invalidValue(`'${path}' must be a boolean`);
      return value;
    case 'dateTime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw invalidValue(`'${path}' must be a dateTime`);
      return value;
    default:
      if (typeof value !== 'string') throw invalidValue(`'${path}' must be a string`);
      return value;
  }
};

const checkComplex = (def: AttrDef, value: unknown, path: string): Record<string, unknown> | undefined => {
  if (!isRecord(value)) throw invalidValue(`'${path}' must be an object`);
  const index = keyIndex(value, path);
  const out: Record<string, unknown> = {};
  for (const sub of def.subAttributes ?? []) {
    const key = index.get(sub.name.toLowerCase());
    if (key === undefined) continue;
    const checked = checkAttr(sub, value[key], `${path}.${sub.name}`);
    if (checked !== undefined) out[sub.name] = checked;
  }
  return Object.keys(out).length === 0 ? undefined : out;
};

/** Returns the canonical value, or undefined when unassigned (null, empty array). */
const checkAttr = (def: AttrDef, value: unknown, path: string): unknown => {
  if (value === null || value === undefined) return undefined;
  const one = (v: unknown, p: string): unknown => (def.type === 'complex' ? checkComplex(def, v, p) : checkScalar(def, v, p));
  if (!def.multiValued) return one(value, path);
  if (!Array.isArray(value)) throw invalidValue(`'${path}' must be an array`);
  const items = value.map((v, i) => one(v, `${path}[${i}]`)).filter((v) => v !== undefined);
  return items.length === 0 ? undefined : items;
};

const checkObjects = (attrs: Record<string, unknown>): void => {
  const asItems = (name: string): Record<string, unknown>[] => (attrs[name] as Record<string, unknown>[] | undefined) ?? [];
  for (const name of ['emails', 'phoneNumbers', 'roles']) {
    const items = asItems(name);
    items.forEach((item, i) => {
      if (typeof item.value !== 'string' || item.value.trim() === '') throw invalidValue(`'${name}[${i}].value' is required`);
    });
    if (items.filter((item) => item.primary === true).length > 1) throw invalidValue(`at most one of '${name}' may be primary`);
  }
  asItems('emails').forEach((item, i) => {
    if (!EMAIL.test(String(item.value))) throw invalidValue(`'emails[${i}].value' must be an email address`);
  });
  const tz = attrs.timeZone;
  if (typeof tz === 'string') {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
    } catch {
      throw invalidValue(`'timezone' is not a known IANA time zone: ${tz}`);
    }
  }
};

const checkRequired = (attrs: Record<string, unknown>): void => {
  const userName = attrs.userName;
  if (typeof userName !== 'string' || userName.trim() === '') throw invalidValue("'userName' is required");
  if (!EMAIL.test(userName)) throw invalidValue("'userName' must be an email address");
  const name = isRecord(attrs.name) ? attrs.name : {};
  for (const part of ['givenName', 'familyName']) {
    const v = name[part];
    if (typeof v !== 'string' || v.trim() === '') throw invalidValue(`'name.${part}' is required`);
  }
  const emails = (attrs.emails as Record<string, unknown>[] | undefined) ?? [];
  if (emails.length === 0) throw invalidValue("'emails' is required (one email of type work)");
  if (!emails.some((e) => typeof e.type === 'string' && e.type.toLowerCase() === 'work')) {
    throw invalidValue("'emails' must contain one email of type work");
  }
};

const parseSchemas = (body: Record<string, unknown>, index: Map<string, string>): string[] => {
  const key = index.get('schemas');
  const raw = key === undefined ? undefined : body[key];
  if (!Array.isArray(raw) || raw.length === 0) throw invalidSyntax(`'schemas' is required and must list ${CORE_USER_URN}`);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const urn of raw) {
    if (typeof urn !== 'string' || !/^urn:[^\s]+$/i.test(urn)) throw invalidSyntax(`'schemas' holds a value that is not a URN: ${JSON.stringify(urn)}`);
    const lower = urn.toLowerCase();
    if (seen.has(lower)) throw invalidSyntax(`'schemas' lists ${urn} twice`);
    seen.add(lower);
    out.push(canonicalKnownUrn(urn) ?? urn);
  }
  if (!seen.has(CORE_USER_URN.toLowerCase())) throw invalidSyntax(`'schemas' must list ${CORE_USER_URN}`);
  return out;
};

const parseExtension = (urn: string, value: unknown): unknown => {
  if (value === null) return undefined;
  if (!isRecord(value)) throw invalidValue(`'${urn}' must be an object`);
  const defs = KNOWN_EXTENSIONS.get(urn.toLowerCase());
  if (!defs) return structuredClone(value);
  return checkComplex({ name: urn, type: 'complex', description: '', subAttributes: defs }, value, urn);
};

/**
 * Validates a POST (create) or PUT (replace) body into the stored form. `disabled`: attributes the
 * tenant has not enabled, dropped before any check, as unknown attributes are.
 */
export const parseUserBody = (rawBody: unknown, mode: ParseMode, disabled: readonly string[] = []): ParsedUser => {
  if (!isRecord(rawBody)) throw invalidSyntax('the request body must be a JSON object');
  const body = withoutDisabled(rawBody, disabled);
  const index = keyIndex(body, 'body');
  const schemas = parseSchemas(body, index);
  const listed = new Map(schemas.map((u) => [u.toLowerCase(), u]));
  const attrs: Record<string, unknown> = {};
  const externalIdDef = COMMON_ATTRS.find((d) => d.name === 'externalId');
  for (const def of externalIdDef ? [externalIdDef, ...CORE_USER_ATTRS] : CORE_USER_ATTRS) {
    const key = index.get(def.name.toLowerCase());
    if (key === undefined) continue;
    const value = checkAttr(def, body[key], def.name === 'timeZone' ? 'timezone' : def.name);
    if (value !== undefined) attrs[def.name] = value;
  }
  const extensionSchemas: string[] = [];
  for (const [lower, key] of index) {
    if (!lower.startsWith('urn:')) continue;
    const urn = listed.get(lower);
    if (urn === undefined) throw invalidSyntax(`extension '${key}' is used but not listed in 'schemas'`);
    if (urn === CORE_USER_URN) throw invalidSyntax(`core attributes must not be nested under '${key}'`);
    const value = parseExtension(urn, body[key]);
    if (value !== undefined) {
      attrs[urn] = value;
      extensionSchemas.push(urn);
    }
  }
  if (attrs.externalId === '') throw invalidValue("'externalId' must not be empty");
  checkRequired(attrs);
  checkObjects(attrs);
  // The documented danger of this service: a PUT without active suspends the user.
  if (attrs.active === undefined) attrs.active = mode === 'create';
  // A tenant without roles gives nobody a role, not even the default one.
  if (attrs.roles === undefined && !isCoreAttributeDisabled(disabled, 'roles')) attrs.roles = DEFAULT_ROLES();
  const idKey = index.get('id');
  return {
    schemas: [CORE_USER_URN, ...extensionSchemas],
    attrs: orderAttrs(attrs),
    ...(idKey === undefined ? {} : { bodyId: body[idKey] }),
  };
};

const ORDER = ['externalId', ...CORE_USER_ATTRS.map((d) => d.name)];

/** Core attributes in schema order, then anything else (extensions) in insertion order. */
export const orderAttrs = (attrs: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const name of ORDER) if (attrs[name] !== undefined) out[name] = attrs[name];
  for (const [k, v] of Object.entries(attrs)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
};

/** Seeding (an admin in the WFM console): canonical names, no profile checks, extras kept. */
export const normaliseSeedAttrs = (body: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const lower = key.toLowerCase();
    if (lower === 'id' || lower === 'meta' || lower === 'schemas' || value === undefined || value === null) continue;
    const def = [...COMMON_ATTRS, ...CORE_USER_ATTRS].find((d) => d.name.toLowerCase() === lower);
    const name = def?.name ?? (lower.startsWith('urn:') ? canonicalKnownUrn(key) ?? key : key);
    out[name] = structuredClone(value);
  }
  if (out.active === undefined) out.active = true;
  if (out.roles === undefined) out.roles = DEFAULT_ROLES();
  return orderAttrs(out);
};
