import { ENTERPRISE_URN, NICE_URN } from '../config/targets';
import type { ScimResource } from '../sync/types';

/**
 * Reads and writes one flat target path (`name.givenName`, `emails.work`, `enterprise.department`,
 * `custom.x`, ...) in a SCIM User resource. Multi-valued attributes are addressed by type
 * (`emails.work`) or by the primary flag (`roles.primary`).
 */
type Location =
  | { kind: 'simple'; container: string | undefined; keys: string[] }
  | { kind: 'multi'; attr: string; select: string };

const MULTI = new Set(['emails', 'phoneNumbers', 'roles']);

function locate(path: string, customSchema: string | undefined): Location {
  const [head, ...rest] = path.split('.');
  if (head === 'enterprise') return { kind: 'simple', container: ENTERPRISE_URN, keys: rest };
  if (head === 'nice') return { kind: 'simple', container: NICE_URN, keys: rest };
  if (head === 'custom') return { kind: 'simple', container: customSchema, keys: rest };
  if (head !== undefined && MULTI.has(head)) return { kind: 'multi', attr: head, select: rest.join('.') };
  return { kind: 'simple', container: undefined, keys: path.split('.') };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function entryIndex(entries: unknown[], select: string): number {
  if (select === 'primary') {
    const primary = entries.findIndex((e) => isRecord(e) && e.primary === true);
    return primary >= 0 ? primary : entries.length > 0 ? 0 : -1;
  }
  const typed = entries.findIndex((e) => isRecord(e) && typeof e.type === 'string' && e.type.toLowerCase() === select.toLowerCase());
  if (typed >= 0) return typed;
  // An untyped primary entry (or a lone untyped one) stands for the typed one we own.
  const untyped = entries.findIndex((e) => isRecord(e) && e.type === undefined && (e.primary === true || entries.length === 1));
  return untyped;
}

export function readPath(resource: Readonly<ScimResource>, path: string, customSchema?: string): string | undefined {
  if (path === 'timezone') return asString(resource.timezone ?? resource.timeZone);
  const loc = locate(path, customSchema);
  if (loc.kind === 'multi') {
    const entries = resource[loc.attr];
    if (!Array.isArray(entries)) return undefined;
    const i = entryIndex(entries, loc.select);
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

/** Sets (or, for undefined, removes) one path in place. */
export function writePath(resource: ScimResource, path: string, value: string | undefined, customSchema?: string): void {
  if (path === 'timezone') {
    delete resource.timeZone;
    if (value === undefined) delete resource.timezone;
    else resource.timezone = value;
    return;
  }
  const loc = locate(path, customSchema);
  if (loc.kind === 'multi') {
    writeMulti(resource, loc.attr, loc.select, value);
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

function writeMulti(resource: ScimResource, attr: string, select: string, value: string | undefined): void {
  const entries: unknown[] = Array.isArray(resource[attr]) ? [...(resource[attr] as unknown[])] : [];
  const i = entryIndex(entries, select);
  if (value === undefined) {
    if (i >= 0) entries.splice(i, 1);
  } else {
    const primary = select === 'primary' || attr === 'emails';
    const entry: Record<string, unknown> = { value };
    if (select !== 'primary') entry.type = select;
    if (primary) {
      entry.primary = true;
      for (let j = 0; j < entries.length; j += 1) {
        const e = entries[j];
        if (j !== i && isRecord(e) && e.primary === true) entries[j] = { ...e, primary: false };
      }
    }
    if (i >= 0) {
      const old = entries[i];
      entries[i] = isRecord(old) ? { ...old, ...entry } : entry;
    } else entries.unshift(entry);
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
