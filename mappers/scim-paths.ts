import { ENTERPRISE_URN, NICE_URN } from '../config/targets';
import type { ScimResource } from '../sync/types';

/**
 * Reads and writes one flat target path (`name.givenName`, `emails.work`, `enterprise.department`,
 * `custom.x`, ...) in a SCIM User resource. Multi-valued attributes are addressed by type
 * (`emails.work`) or by the primary flag (`roles.primary`).
 */
export type Location =
  | { kind: 'simple'; container: string | undefined; keys: string[] }
  | { kind: 'multi'; attr: string; select: string };

const MULTI = new Set(['emails', 'phoneNumbers', 'roles']);

/** Where a target path lives in a User resource: its extension (none for core) and keys, or its multi-valued attribute. */
export function locate(path: string, customSchema: string | undefined): Location {
  const [head, ...rest] = path.split('.');
  if (head === 'enterprise') return { kind: 'simple', container: ENTERPRISE_URN, keys: rest };
  if (head === 'nice') return { kind: 'simple', container: NICE_URN, keys: rest };
  if (head === 'custom') return { kind: 'simple', container: customSchema, keys: rest };
  if (head !== undefined && MULTI.has(head)) return { kind: 'multi', attr: head, select: rest.join('.') };
  return { kind: 'simple', container: undefined, keys: path.split('.') };
}

/** A JSON object (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An entry's `primary` flag, which some servers send as the string "true" (RFC 7643 §2.3.2 has a boolean). */
export const isPrimary = (e: Record<string, unknown>): boolean => e.primary === true || (typeof e.primary === 'string' && e.primary.toLowerCase() === 'true');

function asString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** emails, phoneNumbers and roles values are caseExact=false (RFC 7643 §4.1.2). */
function sameValue(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();
}

const isType = (e: Record<string, unknown>, select: string): boolean => typeof e.type === 'string' && e.type.toLowerCase() === select.toLowerCase();

/**
 * The entry a path selects. `value`, when known, is the one we would write: an untyped entry holding
 * it stands for the typed one, since `type` is optional and some servers keep only values.
 * `previous`, when known, is the value we last wrote there: where no entry holds `value`, the one
 * still holding `previous` is ours, not an entry of the same type an admin added beside it.
 */
function entryIndex(entries: unknown[], select: string, value?: string, previous?: string): number {
  if (select === 'primary') {
    const primary = entries.findIndex((e) => isRecord(e) && isPrimary(e));
    if (primary >= 0) return primary;
    // None flagged primary (a server that keeps values only): the entry holding our value, or a
    // lone entry; among several others none is ours to overwrite (an admin's role), so none.
    const holding = value === undefined ? -1 : entries.findIndex((e) => isRecord(e) && sameValue(e.value, value));
    return holding >= 0 ? holding : entries.length === 1 ? 0 : -1;
  }
  // Several entries of the type (an admin added their own, perhaps made it primary): the one
  // holding our value is ours, else the one holding the value we last wrote, else the first of the type.
  const typedHolding = (v: string | undefined): number => (v === undefined ? -1 : entries.findIndex((e) => isRecord(e) && isType(e, select) && sameValue(e.value, v)));
  const ours = typedHolding(value);
  if (ours >= 0) return ours;
  const oursBefore = typedHolding(previous);
  if (oursBefore >= 0) return oursBefore;
  const typed = entries.findIndex((e) => isRecord(e) && isType(e, select));
  if (typed >= 0) return typed;
  // A server that returns no types: the untyped entry holding our value (or the one we last wrote)
  // is ours, whatever another one's primary flag (an admin may have made their own address
  // primary); else an untyped primary entry (or a lone untyped one) stands for the typed one we own.
  const untypedHolding = (v: string | undefined): number => (v === undefined ? -1 : entries.findIndex((e) => isRecord(e) && e.type === undefined && sameValue(e.value, v)));
  const holding = untypedHolding(value);
  if (holding >= 0) return holding;
  const holdingBefore = untypedHolding(previous);
  if (holdingBefore >= 0) return holdingBefore;
  return entries.findIndex((e) => isRecord(e) && e.type === undefined && (isPrimary(e) || entries.length === 1));
}

/** `expected`: the value the sync would write there; `previous`: the one it last wrote there (see entryIndex). */
export function readPath(resource: Readonly<ScimResource>, path: string, customSchema?: string, expected?: string, previous?: string): string | undefined {
  if (path === 'timezone') return asString(resource.timezone ?? resource.timeZone);
  const loc = locate(path, customSchema);
  if (loc.kind === 'multi') {
    const entries = resource[loc.attr];
    if (!Array.isArray(entries)) return undefined;
    const i = entryIndex(entries, loc.select, expected, previous);
    const entry: unknown = i >= 0 ? entries[i] : undefined;
    return isRecord(entry) ? asString(entry.value) : undefined;
  }
  let node: unknown = loc.container === undefined ? resource : resource[loc.container];
  for (const key of loc.keys) {
    if (!isRecord(node)) return undefined;
    node = node[key];
  }
  return asString(node);
}

/** Sets (or, for undefined, removes) one path in place; `previous` as for readPath. */
export function writePath(resource: ScimResource, path: string, value: string | undefined, customSchema?: string, previous?: string): void {
  if (path === 'timezone') {
    delete resource.timeZone;
    if (value === undefined) delete resource.timezone;
    else resource.timezone = value;
    return;
  }
  const loc = locate(path, customSchema);
  if (loc.kind === 'multi') {
    writeMulti(resource, loc.attr, loc.select, value, previous);
    return;
  }
  if (loc.container !== undefined) {
    if (!isRecord(resource[loc.container])) {
      if (value === undefined) return;
      resource[loc.container] = {};
    }
    writeNested(resource[loc.container] as Record<string, unknown>, loc.keys, value);
    if (value !== undefined) addSchema(resource, loc.container);
    else if (Object.keys(resource[loc.container] as object).length === 0) {
      delete resource[loc.container];
      removeSchema(resource, loc.container);
    }
    return;
  }
  writeNested(resource, loc.keys, value);
}

/**
 * Clears one path in place the way a PUT has to ask for it: RFC 7644 §3.5.1 lets a server keep or
 * default an attribute the body leaves out, and only null (single-valued) or [] (multi-valued) ask
 * it to clear one. A single-valued attribute is sent as null, in its extension object (which stays
 * listed in `schemas`) when it lives in one. A multi-valued one loses every entry the diff would
 * read as ours and is sent as [] once none is left; entries of other types stay. A path the
 * resource does not hold is left out.
 */
export function clearPath(resource: ScimResource, path: string, customSchema?: string): void {
  if (path === 'timezone') {
    if (resource.timezone !== undefined || resource.timeZone !== undefined) resource.timezone = null;
    delete resource.timeZone;
    return;
  }
  const loc = locate(path, customSchema);
  if (loc.kind === 'multi') {
    const held = resource[loc.attr];
    if (!Array.isArray(held)) return;
    const entries = [...(held as unknown[])];
    for (let i = entryIndex(entries, loc.select); i >= 0; i = entryIndex(entries, loc.select)) entries.splice(i, 1);
    resource[loc.attr] = entries;
    return;
  }
  let node: unknown = loc.container === undefined ? resource : resource[loc.container];
  for (const key of loc.keys.slice(0, -1)) node = isRecord(node) ? node[key] : undefined;
  const leaf = loc.keys[loc.keys.length - 1];
  if (!isRecord(node) || leaf === undefined || node[leaf] === undefined) return;
  node[leaf] = null;
  if (loc.container !== undefined) addSchema(resource, loc.container);
}

function writeNested(obj: Record<string, unknown>, keys: string[], value: string | undefined): void {
  const [key, ...rest] = keys;
  if (key === undefined) return;
  if (rest.length === 0) {
    if (value === undefined) delete obj[key];
    else obj[key] = value;
    return;
  }
  if (!isRecord(obj[key])) {
    if (value === undefined) return;
    obj[key] = {};
  }
  const child = obj[key] as Record<string, unknown>;
  writeNested(child, rest, value);
  if (Object.keys(child).length === 0) delete obj[key];
}

/**
 * Drops the entries that would repeat the one written at `i` (RFC 7643 §2.4: a (type, value) pair
 * once per attribute): untyped or same-typed copies of the new value, and same-typed copies of the
 * value it replaces. Answers where the written entry ends up.
 */
function dropRepeats(entries: unknown[], i: number, select: string, value: string, replaced: unknown): number {
  const repeats = (e: unknown, j: number): boolean =>
    j !== i &&
    isRecord(e) &&
    ((sameValue(e.value, value) && (e.type === undefined || (select !== 'primary' && isType(e, select)))) ||
      (select !== 'primary' && isType(e, select) && sameValue(e.value, replaced)));
  const before = entries.slice(0, i).filter(repeats).length;
  const kept = entries.filter((e, j) => !repeats(e, j));
  entries.splice(0, entries.length, ...kept);
  return i - before;
}

function writeMulti(resource: ScimResource, attr: string, select: string, value: string | undefined, previous?: string): void {
  const entries: unknown[] = Array.isArray(resource[attr]) ? [...(resource[attr] as unknown[])] : [];
  let i = entryIndex(entries, select, value, previous);
  if (value === undefined) {
    if (i >= 0) entries.splice(i, 1);
  } else {
    const replaced = i >= 0 ? entries[i] : undefined;
    if (i >= 0) i = dropRepeats(entries, i, select, value, isRecord(replaced) ? replaced.value : undefined);
    // The work email is the primary one unless an admin made another one primary: their choice stays.
    const otherPrimary = entries.some((e, j) => j !== i && isRecord(e) && isPrimary(e));
    const primary = select === 'primary' || (attr === 'emails' && !otherPrimary);
    const entry: Record<string, unknown> = { value };
    if (select !== 'primary') entry.type = select;
    if (primary) {
      entry.primary = true;
      for (let j = 0; j < entries.length; j += 1) {
        const e = entries[j];
        if (j !== i && isRecord(e) && isPrimary(e)) entries[j] = { ...e, primary: false };
      }
    }
    if (i >= 0) entries[i] = isRecord(replaced) ? { ...replaced, ...entry } : entry;
    else entries.unshift(entry);
  }
  if (entries.length === 0) delete resource[attr];
  else resource[attr] = entries;
}

export function addSchema(resource: ScimResource, urn: string): void {
  const schemas = Array.isArray(resource.schemas) ? (resource.schemas as unknown[]) : [];
  if (!schemas.includes(urn)) resource.schemas = [...schemas, urn];
}

function removeSchema(resource: ScimResource, urn: string): void {
  if (Array.isArray(resource.schemas)) resource.schemas = (resource.schemas as unknown[]).filter((s) => s !== urn);
}
