// Optional attributes a tenant has not enabled (config.disabledAttributes). Such a tenant treats
// them as it treats unknown attributes: accepted in a request, never stored, never returned.
// Names are RFC 7644 section 3.10 paths ('displayName', 'name.middleName', '<urn>:department'),
// compared ignoring case.
import type { AttrDef } from './schema';
import { canonicalKnownUrn, CORE_USER_URN, isRecord } from './schema';

/** A parsed name: a lower-case schema URN (core when none is given) and one or two attribute names. */
type DisabledPath = { urn: string; segments: string[] };

const CORE = CORE_USER_URN.toLowerCase();

// The attributes the profile requires; disabling one, a part of one or a parent of one would
// make every create or replace fail.
const REQUIRED = ['userName', 'name.givenName', 'name.familyName', 'emails', 'active', 'id', 'externalId', 'schemas']
  .map((path) => path.toLowerCase().split('.'));

const MULTI_VALUED = new Set(['emails', 'phonenumbers', 'roles', 'ims', 'photos', 'addresses', 'entitlements', 'x509certificates']);

const startsWith = (long: string[], short: string[]): boolean => short.every((s, i) => long[i] === s);

/** Throws with the reason when `name` is not an attribute path that a tenant may leave disabled. */
const parsePath = (name: string): DisabledPath => {
  const lower = name.toLowerCase();
  if (canonicalKnownUrn(lower)) {
    throw new Error(`disabled attribute '${name}' is a schema URN: name one of its attributes, as in '${name}:attr'`);
  }
  const cut = lower.startsWith('urn:') ? lower.lastIndexOf(':') : -1;
  const urn = cut < 0 ? CORE : lower.slice(0, cut);
  const segments = lower.slice(cut + 1).split('.');
  if (segments.length > 2 || segments.some((s) => s === '')) {
    throw new Error(`disabled attribute '${name}' is not an attribute path ('attr', 'attr.sub' or '<urn>:attr[.sub]')`);
  }
  if (urn === CORE && REQUIRED.some((req) => startsWith(req, segments) || startsWith(segments, req))) {
    throw new Error(`disabled attribute '${name}' cannot be disabled: the WFM profile requires it`);
  }
  // Every entry of a multi-valued attribute requires its value: a tenant enables the attribute or not.
  if (urn === CORE && segments.length === 2 && segments[1] === 'value' && MULTI_VALUED.has(segments[0] ?? '')) {
    throw new Error(`disabled attribute '${name}' is the value of each entry: disable '${segments[0] ?? ''}' itself`);
  }
  return { urn, segments };
};

/** Refuses the first name that cannot be disabled (a required attribute, or not a path). */
export const assertDisabledAttributes = (names: readonly string[]): void => {
  for (const name of names) parsePath(name);
};

/** The reason `name` cannot be disabled, or undefined when it can. */
export const disabledAttributeProblem = (name: string): string | undefined => {
  try {
    parsePath(name);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
};

export const isCoreAttributeDisabled = (names: readonly string[], attribute: string): boolean =>
  names.map(parsePath).some((p) => p.urn === CORE && p.segments.length === 1 && p.segments[0] === attribute.toLowerCase());

const keyOf = (obj: Record<string, unknown>, lowerName: string): string | undefined =>
  Object.keys(obj).find((k) => k.toLowerCase() === lowerName);

const isEmpty = (value: unknown): boolean =>
  (Array.isArray(value) && value.length === 0) || (isRecord(value) && Object.keys(value).length === 0);

/** `obj` without the attribute at `segments` (in every item of a multi-valued one); copies what it changes. */
const dropPath = (obj: Record<string, unknown>, segments: string[]): Record<string, unknown> => {
  const [first, ...rest] = segments;
  const key = first === undefined ? undefined : keyOf(obj, first);
  if (key === undefined) return obj;
  const { [key]: value, ...others } = obj;
  if (rest.length === 0) return others;
  const prune = (v: unknown): unknown => (isRecord(v) ? dropPath(v, rest) : v);
  const pruned = Array.isArray(value) ? value.map(prune).filter((item) => !isEmpty(item)) : prune(value);
  // A complex value (or an extension object) left empty is unassigned, not an empty object.
  return isEmpty(pruned) && !isEmpty(value) ? others : { ...obj, [key]: pruned };
};

/**
 * A user (a request body, or stored attributes with extensions keyed by URN) without the disabled
 * attributes. An extension object left empty goes too.
 */
export const withoutDisabled = (user: Record<string, unknown>, names: readonly string[]): Record<string, unknown> =>
  names.map(parsePath).reduce((out, p) => dropPath(out, p.urn === CORE ? p.segments : [p.urn, ...p.segments]), user);

/** The definitions of schema `urn` without the disabled attributes and sub-attributes (for /Schemas). */
export const enabledAttrDefs = (urn: string, defs: AttrDef[], names: readonly string[]): AttrDef[] => {
  const off = names.map(parsePath).filter((p) => p.urn === urn.toLowerCase()).map((p) => p.segments.join('.'));
  const isOff = (...path: string[]): boolean => off.includes(path.join('.').toLowerCase());
  return defs.filter((def) => !isOff(def.name)).map((def) => (def.subAttributes
    ? { ...def, subAttributes: def.subAttributes.filter((sub) => !isOff(def.name, sub.name)) }
    : def));
};
