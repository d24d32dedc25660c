// Compiles a parsed filter against the profile schema: attribute paths are resolved (unknown
// attribute -> invalidFilter), operator/value types are checked once, before any user is seen.
import type { AttrPath, CompareOp, CompValue, FilterNode } from './filter';
import { parseFilter } from './filter';
import { scimFail } from './http-io';
import type { AttrDef, AttrType } from './schema';
import { COMMON_ATTRS, CORE_USER_ATTRS, CORE_USER_URN, findAttr, getCi, isRecord, KNOWN_EXTENSIONS } from './schema';

export type UserPredicate = (resource: Record<string, unknown>) => boolean;

type Resolved = { keys: string[]; type: AttrType | 'any'; caseExact: boolean; def?: AttrDef };

const invalid = (detail: string) => scimFail(400, `Invalid filter: ${detail}`, 'invalidFilter');

const ROOT_DEFS: AttrDef[] = [...COMMON_ATTRS, ...CORE_USER_ATTRS];

type Scope = AttrDef[] | 'root' | 'any';

/**
 * Resolves `[urn:]name[.sub]` in `scope` (the root, the sub-attributes of a value path, or 'any'
 * inside a custom extension). `container`: resolve a multi-valued attribute itself, for `attr[...]`.
 */
const resolve = (path: AttrPath, scope: Scope, container = false): Resolved => {
  let defs: AttrDef[] | 'any' = scope === 'root' ? ROOT_DEFS : scope;
  const keys: string[] = [];
  if (path.urn !== undefined) {
    if (scope !== 'root') throw invalid(`'${path.raw}' cannot carry a schema inside a value filter`);
    const lower = path.urn.toLowerCase();
    if (lower === CORE_USER_URN.toLowerCase()) defs = ROOT_DEFS;
    else {
      defs = KNOWN_EXTENSIONS.get(lower) ?? 'any';
      keys.push(path.urn);
    }
  }
  if (defs === 'any') {
    return { keys: [...keys, path.name, ...(path.sub ? [path.sub] : [])], type: 'any', caseExact: false };
  }
  const def = findAttr(defs, path.name);
  if (!def) throw invalid(`unknown attribute '${path.raw}'`);
  keys.push(def.name);
  if (def.type !== 'complex') {
    if (path.sub !== undefined) throw invalid(`'${def.name}' has no sub-attributes`);
    return { keys, type: def.type, caseExact: def.caseExact === true, def };
  }
  if (container) return { keys, type: 'complex', caseExact: false, def };
  // A multi-valued complex attribute without sub-attribute means its `value` (RFC 7644 example).
  const subName = path.sub ?? (def.multiValued ? 'value' : undefined);
  if (subName === undefined) return { keys, type: 'complex', caseExact: false, def };
  const sub = findAttr(def.subAttributes ?? [], subName);
  if (!sub) throw invalid(`unknown attribute '${path.raw}'`);
  return { keys: [...keys, sub.name], type: sub.type, caseExact: sub.caseExact === true, def: sub };
};

/** All values at `keys`, flattening multi-valued attributes. */
const valuesAt = (obj: unknown, keys: string[]): unknown[] => {
  let current: unknown[] = [obj];
  for (const key of keys) {
    const nextValues: unknown[] = [];
    for (const item of current) {
      if (!isRecord(item)) continue;
      const v = getCi(item, key);
      if (Array.isArray(v)) nextValues.push(...v);
      else if (v !== undefined && v !== null) nextValues.push(v);
    }
    current = nextValues;
  }
  return current;
};

const isPresent = (v: unknown): boolean =>
  !(v === '' || (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0));

const checkTypes = (r: Resolved, op: CompareOp, value: CompValue, raw: string): void => {
  if (r.type === 'complex') throw invalid(`'${raw}' is complex: name a sub-attribute`);
  if (value === null && op !== 'eq' && op !== 'ne') throw invalid(`'${op}' cannot compare with null`);
  if (r.type === 'any' || value === null) return;
  if (r.type === 'boolean') {
    if (op !== 'eq' && op !== 'ne') throw invalid(`'${op}' is not allowed on boolean '${raw}'`);
    if (typeof value !== 'boolean') throw invalid(`'${raw}' is boolean: compare it with true or false`);
    return;
  }
  if (typeof value !== 'string') throw invalid(`'${raw}' is a string: quote the value`);
  if (r.type === 'dateTime' && !['co', 'sw', 'ew'].includes(op) && Number.isNaN(Date.parse(value))) {
    throw invalid(`'${value}' is not a dateTime`);
  }
};

const compareOne = (r: Resolved, op: CompareOp, actual: unknown, expected: CompValue): boolean => {
  if (typeof actual === 'boolean' || typeof expected === 'boolean') return op === 'eq' && actual === expected;
  if (typeof actual === 'number' && typeof expected === 'number') {
    return { eq: actual === expected, ne: actual !== expected, gt: actual > expected, ge: actual >= expected,
      lt: actual < expected, le: actual <= expected, co: false, sw: false, ew: false }[op];
  }
  if (typeof actual !== 'string' || typeof expected !== 'string') return false;
  if (r.type === 'dateTime' && !['co', 'sw', 'ew'].includes(op)) {
    const a = Date.parse(actual);
    const e = Date.parse(expected);
    return { eq: a === e, ne: a !== e, gt: a > e, ge: a >= e, lt: a < e, le: a <= e, co: false, sw: false, ew: false }[op];
  }
  const a = r.caseExact ? actual : actual.toLowerCase();
  const e = r.caseExact ? expected : expected.toLowerCase();
  switch (op) {
    case 'eq': case 'ne': return a === e;
    case 'co': return a.includes(e);
    case 'sw': return a.startsWith(e);
    case 'ew': return a.endsWith(e);
    case 'gt': return a > e;
    case 'ge': return a >= e;
    case 'lt': return a < e;
    case 'le': return a <= e;
  }
};

const compile = (node: FilterNode, scope: Scope): UserPredicate => {
  switch (node.kind) {
    case 'and': {
      const l = compile(node.left, scope);
      const r = compile(node.right, scope);
      return (u) => l(u) && r(u);
    }
    case 'or': {
      const l = compile(node.left, scope);
      const r = compile(node.right, scope);
      return (u) => l(u) || r(u);
    }
    case 'not': {
      const inner = compile(node.expr, scope);
      return (u) => !inner(u);
    }
    case 'present': {
      const r = resolve(node.path, scope);
      return (u) => valuesAt(u, r.keys).some(isPresent);
    }
    case 'compare': {
      const r = resolve(node.path, scope);
      const { op, value } = node;
      checkTypes(r, op, value, node.path.raw);
      if (value === null) {
        const present = (u: Record<string, unknown>): boolean => valuesAt(u, r.keys).some(isPresent);
        return op === 'eq' ? (u) => !present(u) : present;
      }
      // `ne` is the negation of `eq` (for multi-valued attributes: no value equals).
      const eq = (u: Record<string, unknown>): boolean => valuesAt(u, r.keys).some((v) => compareOne(r, 'eq', v, value));
      if (op === 'ne') return (u) => !eq(u);
      return (u) => valuesAt(u, r.keys).some((v) => compareOne(r, op, v, value));
    }
    case 'valuePath': {
      const r = resolve(node.path, scope, true);
      if (r.type !== 'any' && !(r.type === 'complex' && r.def?.multiValued)) {
        throw invalid(`'${node.path.raw}' is not a multi-valued complex attribute`);
      }
      const inner = compile(node.filter, r.type === 'any' ? 'any' : r.def?.subAttributes ?? []);
      return (u) => valuesAt(u, r.keys).some((el) => isRecord(el) && inner(el));
    }
  }
};

/** Parses and compiles a filter; throws a 400 invalidFilter ReplyError when it is not acceptable. */
export const compileFilter = (filter: string): UserPredicate => compile(parseFilter(filter), 'root');
