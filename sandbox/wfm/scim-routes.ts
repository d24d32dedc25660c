// SCIM /Users of the WFM profile: GET (list, filter, one), POST, PUT (full replace). PATCH,
// DELETE, /Groups, /Bulk, /Me and POST searches answer 501.
import { timingSafeEqual } from 'node:crypto';
import type { CursorBook } from './cursor-pages';
import { cursorPage } from './cursor-pages';
import type { WfmFaults } from './faults';
import { parseFilter } from './filter';
import { compileFilter } from './filter-eval';
import type { Reply, RequestContext } from './http-io';
import {
  bearerToken, headerValue, isJsonMediaType, parseJsonBody, ReplyError, scimError, scimFail, scimOk, SCIM_CONTENT_TYPE,
} from './http-io';
import { LIST_RESPONSE_URN } from './schema';
import { keptAsCreated } from './kept-as-created';
import { handleDiscovery } from './scim-discovery';
import type { StoredUser, WfmState } from './state';
import { etagOf } from './state';
import type { ParseMode } from './validate';
import { parseUserBody } from './validate';

/** `scimTokens`: the bearer tokens accepted now (two while a rotation overlaps). */
export type ScimDeps = { state: WfmState; faults: WfmFaults; scimTokens: readonly string[]; scimUrl: string; cursors: CursorBook };

const notImplemented = (what: string): Reply => scimError(501, `${what} is not supported by this service provider`);
const notAllowed = (method: string, allow: string): Reply => ({
  ...scimError(405, `${method} is not allowed here`),
  headers: { allow },
});

export const tokenEquals = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** undefined when authorised; otherwise the 401 to send. */
export const checkScimAuth = (ctx: RequestContext, scimTokens: readonly string[]): Reply | undefined => {
  const { present, token } = bearerToken(ctx.headers);
  // The real service answers a missing header with a plain-text 401.
  if (!present) return { status: 401, text: 'Unauthorized', headers: { 'www-authenticate': 'Bearer' } };
  if (token !== undefined && scimTokens.some((accepted) => tokenEquals(token, accepted))) return undefined;
  return { ...scimError(401, 'The bearer token is missing, malformed or not valid'), headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
};

const intParam = (query: URLSearchParams, name: string, fallback: number): number => {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^[+-]?\d+$/.test(raw)) throw scimFail(400, `'${name}' must be an integer`, 'invalidValue');
  return Number(raw);
};

/** `userName eq "x"` or `externalId eq "x"` (no schema prefix): answered from the state's indexes. */
const indexedFilter = (filter: string): { attribute: 'userName' | 'externalId'; value: string } | undefined => {
  const node = parseFilter(filter);
  if (node.kind !== 'compare' || node.op !== 'eq' || typeof node.value !== 'string') return undefined;
  if (node.path.urn !== undefined || node.path.sub !== undefined) return undefined;
  const name = node.path.name.toLowerCase();
  if (name === 'username') return { attribute: 'userName', value: node.value };
  if (name === 'externalid') return { attribute: 'externalId', value: node.value };
  return undefined;
};

/** The matching users, cloned only once they are on the page. */
const matchingUsers = (deps: ScimDeps, filter: string | null): StoredUser[] => {
  if (filter === null) return deps.state.records();
  const predicate = compileFilter(filter); // validates the filter whatever path answers it
  const fast = indexedFilter(filter);
  if (fast) return deps.state.indexed(fast.attribute, fast.value);
  return deps.state.records().filter((user) => predicate(deps.state.toResource(user)));
};

const listUsers = (ctx: RequestContext, deps: ScimDeps): Reply => {
  const { config } = deps.state;
  const filter = ctx.query.get('filter');
  if (filter === null && config.filterRequired) {
    throw scimFail(400, 'This deployment does not allow listing users: a filter is required', 'invalidFilter');
  }
  if (config.pagination === 'cursor') return cursorPage(ctx, deps.state, deps.cursors, matchingUsers(deps, filter));
  // RFC 7644 section 3.4.2.4: startIndex < 1 means 1; a negative count means 0.
  const startIndex = Math.max(1, intParam(ctx.query, 'startIndex', 1));
  const count = Math.min(Math.max(0, intParam(ctx.query, 'count', config.maxPageSize)), config.maxPageSize);
  const matching = matchingUsers(deps, filter);
  const from = startIndex - 1 - (deps.faults.duplicateAcrossPages && startIndex > 1 ? 1 : 0);
  const page = matching.slice(from, from + count).map(deps.state.toResource);
  if (deps.faults.listOmitsIds) for (const resource of page) delete resource.id;
  return scimOk(200, {
    schemas: [LIST_RESPONSE_URN],
    totalResults: matching.length + deps.faults.listLiesTotal,
    startIndex,
    itemsPerPage: page.length,
    Resources: page,
  });
};

const resourceReply = (status: number, user: StoredUser, deps: ScimDeps): Reply => {
  const resource = deps.state.toResource(user);
  const headers: Record<string, string> = { location: `${deps.scimUrl}/Users/${encodeURIComponent(user.id)}` };
  if (deps.state.config.etags) headers.etag = etagOf(user.version);
  return scimOk(status, resource, headers);
};

const findUser = (deps: ScimDeps, id: string): StoredUser => {
  const user = deps.state.record(id);
  if (!user) throw scimFail(404, `Resource ${id} not found`);
  return user;
};

/** The comma-separated entity tags of If-Match/If-None-Match, compared weakly (W/ ignored). */
const etagListMatches = (header: string, version: number): boolean => {
  const current = `"${version}"`;
  return header.split(',').map((t) => t.trim()).some((t) => t === '*' || t.replace(/^W\//, '') === current);
};

const readUserBody = (ctx: RequestContext, deps: ScimDeps, mode: ParseMode) => {
  if (!isJsonMediaType(ctx.headers)) {
    throw scimFail(415, `Content-Type must be ${SCIM_CONTENT_TYPE} or application/json`);
  }
  const parsed = parseJsonBody(ctx.rawBody);
  if (!parsed.ok) throw scimFail(400, parsed.reason, 'invalidSyntax');
  return parseUserBody(parsed.value, mode, deps.state.config.disabledAttributes);
};

const getUser = (ctx: RequestContext, deps: ScimDeps, id: string): Reply => {
  const user = findUser(deps, id);
  const ifNoneMatch = headerValue(ctx.headers, 'if-none-match');
  if (deps.state.config.etags && ifNoneMatch !== undefined && etagListMatches(ifNoneMatch, user.version)) {
    return { status: 304, headers: { etag: etagOf(user.version) } };
  }
  return resourceReply(200, user, deps);
};

const createUser = (ctx: RequestContext, deps: ScimDeps): Reply => {
  const parsed = readUserBody(ctx, deps, 'create');
  const userName = String(parsed.attrs.userName);
  if (deps.state.userNameTaken(userName)) throw scimFail(409, `userName ${userName} is already in use`, 'uniqueness');
  return resourceReply(201, deps.state.createUser(parsed), deps);
};

const replaceUser = (ctx: RequestContext, deps: ScimDeps, id: string): Reply => {
  const user = findUser(deps, id);
  const parsed = readUserBody(ctx, deps, 'replace');
  const ifMatch = headerValue(ctx.headers, 'if-match');
  if (deps.state.config.etags && ifMatch !== undefined && !etagListMatches(ifMatch, user.version)) {
    throw scimFail(412, `The resource version is ${etagOf(user.version)}; If-Match was ${ifMatch}`);
  }
  if (parsed.bodyId !== undefined && parsed.bodyId !== null && parsed.bodyId !== id) {
    throw scimFail(400, `'id' in the body (${JSON.stringify(parsed.bodyId)}) does not match the URL`, 'mutability');
  }
  const kept = deps.state.config.keptAsCreated;
  if (kept.length > 0) parsed.attrs = keptAsCreated(parsed.attrs, user.attrs, kept);
  const userName = String(parsed.attrs.userName);
  if (deps.state.userNameTaken(userName, id)) throw scimFail(409, `userName ${userName} is already in use`, 'uniqueness');
  return resourceReply(200, deps.state.replaceUser(id, parsed), deps);
};

const routeUsers = (ctx: RequestContext, deps: ScimDeps, rest: string[]): Reply => {
  const { method } = ctx;
  const [, id, ...more] = rest;
  if (method === 'PATCH') return notImplemented('PATCH');
  if (method === 'DELETE') return notImplemented('DELETE (deactivate through the user-management API)');
  if (more.length > 0) return scimError(404, 'Not found');
  if (id === undefined) {
    if (method === 'GET') return listUsers(ctx, deps);
    if (method === 'POST') return createUser(ctx, deps);
    return notAllowed(method, 'GET, POST');
  }
  if (id === '.search' && method === 'POST') return notImplemented('POST /Users/.search');
  if (method === 'GET') return getUser(ctx, deps, id);
  if (method === 'PUT') return replaceUser(ctx, deps, id);
  return notAllowed(method, 'GET, PUT');
};

/** `rest`: the decoded path segments after /scim/v2. */
export const handleScim = (ctx: RequestContext, deps: ScimDeps, rest: string[]): Reply => {
  const denied = checkScimAuth(ctx, deps.scimTokens);
  if (denied) return denied;
  try {
    const [endpoint] = rest;
    if (endpoint === 'Users') return routeUsers(ctx, deps, rest);
    if (endpoint === 'Groups' || endpoint === 'Bulk' || endpoint === 'Me') return notImplemented(`/${endpoint}`);
    if (endpoint === '.search') return notImplemented('POST /.search');
    return handleDiscovery(ctx.method, rest, deps.scimUrl, deps.state.config) ?? scimError(404, 'Not found');
  } catch (err) {
    if (err instanceof ReplyError) return err.reply;
    throw err;
  }
};
