import { CORE_URN } from '../config/targets';
import { canonicalListResponse } from './scim-canonical';
import { isRecord, locate } from './scim-paths';

/**
 * What a WFM's `GET /Schemas` answer (RFC 7643 §7, RFC 7644 §4) lists: per schema URN, its
 * attributes and their sub-attributes, names lower-cased (RFC 7643 §2.1: they ignore case).
 * `undefined` subs: the attribute lists none, so any sub-attribute may be there.
 */
type Listed = Map<string, Map<string, Set<string> | undefined>>;

/** A field of a schema object by name, ignoring case. */
const field = (o: Record<string, unknown>, name: string): unknown => o[Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name];

const names = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);

function listed(body: unknown): Listed {
  const list = canonicalListResponse(body);
  const schemas = Array.isArray(body) ? names(body) : isRecord(list) ? names(list.Resources) : [];
  const out: Listed = new Map();
  for (const schema of schemas) {
    const id = field(schema, 'id');
    if (typeof id !== 'string') continue;
    const attrs = new Map<string, Set<string> | undefined>();
    for (const attr of names(field(schema, 'attributes'))) {
      const name = field(attr, 'name');
      if (typeof name !== 'string') continue;
      const subs = field(attr, 'subAttributes');
      attrs.set(name.toLowerCase(), Array.isArray(subs) ? new Set(names(subs).flatMap((s) => (typeof field(s, 'name') === 'string' ? [String(field(s, 'name')).toLowerCase()] : []))) : undefined);
    }
    out.set(id.toLowerCase(), attrs);
  }
  return out;
}

/** `externalId`, `id` and `meta` are common attributes (RFC 7643 §3.1), which schemas do not list. */
const COMMON = new Set(['externalId']);

/**
 * The target paths the WFM's schemas do not list: the WFM would most likely drop them. Undefined
 * when the answer holds no core User schema with attributes, so nothing can be told. A custom
 * extension the answer leaves out tells nothing either: a WFM may store one it publishes no schema for.
 */
export function unlistedPaths(body: unknown, paths: readonly string[], customSchema?: string): string[] | undefined {
  const schemas = listed(body);
  if ((schemas.get(CORE_URN.toLowerCase())?.size ?? 0) === 0) return undefined;
  return paths.filter((path) => {
    if (COMMON.has(path)) return false;
    const loc = locate(path, customSchema);
    const urn = (loc.kind === 'multi' || loc.container === undefined ? CORE_URN : loc.container).toLowerCase();
    const [attr, sub] = loc.kind === 'multi' ? [loc.attr] : loc.keys;
    const attrs = schemas.get(urn);
    if (attrs === undefined && urn === customSchema?.toLowerCase()) return false;
    if (attrs === undefined || attr === undefined || !attrs.has(attr.toLowerCase())) return true;
    const subs = attrs.get(attr.toLowerCase());
    return sub !== undefined && subs !== undefined && !subs.has(sub.toLowerCase());
  });
}
