import { invalidSearch } from './errors';
import {
  checkFilter, evaluateFilter, parseFilter, FilterSyntaxError, type CompareOp, type FilterRules,
} from './filter';
import type { Json } from './serialize';
import type { GroupRecord, UserRecord } from './types';

type Ops = readonly (CompareOp | 'pr')[];
const EQ: Ops = ['eq'];
const RANGE: Ops = ['eq', 'gt', 'ge', 'lt', 'le'];
const SEARCH: Ops = ['eq', 'sw', 'gt', 'ge', 'lt', 'le', 'pr'];
const SEARCH_CO: Ops = [...SEARCH, 'co'];
const ALL: Ops = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'sw', 'co', 'ew', 'pr'];

const rules = (opsFor: (attr: string) => Ops | undefined, allowNot = false): FilterRules => ({ opsFor, allowNot });

/** GET /api/v1/users?filter: only these attributes, eq only except lastUpdated ranges. Case-sensitive. */
const USER_FILTER: Record<string, Ops> = {
  status: EQ, id: EQ, 'profile.login': EQ, 'profile.email': EQ, 'profile.firstName': EQ, 'profile.lastName': EQ, lastUpdated: RANGE,
};
export const userFilterRules = rules((attr) => USER_FILTER[attr]);

const USER_DATES = new Set(['created', 'activated', 'statusChanged', 'lastUpdated', 'passwordChanged', 'lastLogin']);
const USER_CO = new Set(['profile.firstName', 'profile.lastName', 'profile.email', 'profile.login']);
/** GET /api/v1/users?search: any profile attribute and the top-level ones; `co` only on names, email and login. */
export const userSearchRules = rules((attr) => {
  if (USER_CO.has(attr)) return SEARCH_CO;
  if (attr.startsWith('profile.') || USER_DATES.has(attr) || ['id', 'status', 'type.id'].includes(attr)) return SEARCH;
  return undefined;
});

const GROUP_FILTER: Record<string, Ops> = { id: EQ, type: EQ, lastUpdated: RANGE, lastMembershipUpdated: RANGE };
/** GET /api/v1/groups?filter: id, type, lastUpdated, lastMembershipUpdated (profile.name is for search or q). */
export const groupFilterRules = rules((attr) => GROUP_FILTER[attr]);

const GROUP_DATES = new Set(['created', 'lastUpdated', 'lastMembershipUpdated']);
export const groupSearchRules = rules((attr) => {
  if (attr === 'profile.name' || attr === 'profile.description') return SEARCH_CO;
  if (attr.startsWith('profile.') || GROUP_DATES.has(attr) || ['id', 'type', 'source.id'].includes(attr)) return SEARCH;
  return undefined;
});

/** GET /api/v1/logs?filter: every operator, on any attribute of the event. */
export const logFilterRules = rules(() => ALL, true);

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

export function userAttr(user: UserRecord, attr: string): unknown[] {
  if (attr.startsWith('profile.')) return asList(user.profile[attr.slice('profile.'.length)]);
  switch (attr) {
    case 'id': return [user.id];
    case 'status': return [user.status];
    case 'type.id': return [user.typeId];
    case 'created': return [user.created];
    case 'activated': return [user.activated];
    case 'statusChanged': return [user.statusChanged];
    case 'lastUpdated': return [user.lastUpdated];
    case 'passwordChanged': return [user.passwordChanged];
    case 'lastLogin': return [user.lastLogin];
    default: return [];
  }
}

export function groupAttr(group: GroupRecord, attr: string): unknown[] {
  switch (attr) {
    case 'id': return [group.id];
    case 'type': return [group.type];
    case 'profile.name': return [group.name];
    case 'profile.description': return [group.description];
    case 'created': return [group.created];
    case 'lastUpdated': return [group.lastUpdated];
    case 'lastMembershipUpdated': return [group.lastMembershipUpdated];
    default: return [];
  }
}

/** Walks a dotted path through JSON, fanning out over arrays (target.id matches any target). */
export function jsonAttr(json: Json, attr: string): unknown[] {
  let values: unknown[] = [json];
  for (const part of attr.split('.')) {
    values = values.flatMap((v) => {
      if (Array.isArray(v)) return v.map((x: unknown) => (x !== null && typeof x === 'object' ? (x as Json)[part] : undefined));
      return v !== null && typeof v === 'object' ? [(v as Json)[part]] : [];
    });
  }
  return values.flatMap(asList);
}

/**
 * Keeps the items that match an Okta filter/search expression. An expression the endpoint does not
 * support answers 400 E0000031, as Okta does.
 */
export function applyExpression<T>(
  items: readonly T[],
  text: string,
  opts: { rules: FilterRules; get: (item: T, attr: string) => unknown[]; isDate: (attr: string) => boolean; caseInsensitive: boolean },
): T[] {
  try {
    const node = parseFilter(text);
    checkFilter(node, opts.rules);
    return items.filter((item) =>
      evaluateFilter(node, { get: (attr) => opts.get(item, attr), isDate: opts.isDate, caseInsensitive: opts.caseInsensitive }));
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw invalidSearch(err.message);
    throw err;
  }
}

export const isUserDate = (attr: string): boolean => USER_DATES.has(attr);
export const isGroupDate = (attr: string): boolean => GROUP_DATES.has(attr);
export const isLogDate = (attr: string): boolean => attr === 'published';
