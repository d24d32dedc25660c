import { createHash } from 'node:crypto';
// A small SCIM server of another make, for client tests: each quirk is something RFC 7643/7644
// allow (or real servers do) that our sandbox WFM does not.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createScimClient, type ScimClient } from '../../clients/scim';
import { secretFromValue } from '../../config/secret';
import { LIST_RESPONSE_URN } from '../../mappers/scim-canonical';
import type { ScimResource } from '../../sync/types';
import { listenOnLoopback, readBody, sendScim } from './scim-server';

export type Quirks = {
  /** How an empty ListResponse carries Resources (RFC 7643 §2.5: absent, null and [] are the same state). */
  emptyResources: 'array' | 'absent' | 'null';
  /** itemsPerPage and startIndex sent as null. */
  nullPaging: boolean;
  /** totalResults, startIndex and itemsPerPage written as strings of digits. */
  pagingAsStrings: boolean;
  /** Page size cap, whatever `count` asks. */
  maxPageSize: number;
  /** `active` sent as the string "true" / "false". */
  activeAsString: boolean;
  /** `userName eq` compared case-sensitively (create's uniqueness check still ignores case). */
  caseSensitiveFilter: boolean;
  /** How a successful PUT is answered: 200 with the resource, 204, or 200 with no body. */
  putAnswer: '200' | '204' | '200-empty' | '200-without-active';
  /**
   * Strings it stores, and the filter values it compares, in Unicode NFC (as a database with a
   * normalising collation does): "e" and a combining accent comes back as "é". Seeded users are kept as given.
   */
  unicodeNfc: boolean;
  /** Ids as JSON numbers (an integer key), meta.version too: ids it assigns are 1, 2, ... */
  integerIds: boolean;
  /**
   * ETags kept per user: a single-resource answer carries `ETag: W/"n"`, a resource `meta.version`
   * as the bare revision `n`, and a PUT whose If-Match is not the ETag answers 412.
   */
  bareVersions: boolean;
  /**
   * Versions kept per user in meta.version (`W/"n"`), which a PUT's If-Match is compared with (412
   * otherwise), while a single-resource answer's ETag header is a hash of its body, as a web
   * framework adds one by itself.
   */
  frameworkEtags: boolean;
  /** How a listing page asked for past the last user is answered: an empty page, or that error. */
  pastEnd: 'empty' | 400 | 404;
  /**
   * What a PUT does with a readWrite attribute it leaves out (RFC 7644 §3.5.1 allows both): clears
   * it, or keeps it, sub-attributes of a complex one too. Either way null and [] clear it.
   */
  omitted: 'cleared' | 'kept';
  /**
   * How a search filtering by externalId is answered: as any filter, or refused as servers built
   * for Okta's own provisioning (which filter by userName alone) refuse it: 400 invalidFilter
   * (RFC 7644 §3.4.2.2), 400 with no scimType, or 501.
   */
  /** `empty`: a search by externalId answers an empty list, as a server that does not index it may. */
  externalIdFilter: 'supported' | 'invalidFilter' | 'bare400' | '501' | 'empty';
  /** A filter parser that takes no escaped quote (`\"`) in a string: 400 invalidFilter, as SCIMMY 1.3's answers. */
  noEscapedQuotes: boolean;
  /** Top-level attributes it does not store (dropped from every POST and PUT, as RFC 7644 §3.3 lets a server do). */
  ignores: string[];
  /** A PUT leaves `active` as it was: a WFM that revives users only through an API of its own. */
  keepsActive: boolean;
  /** Schema extensions it does not have: a POST or PUT carrying one is refused (400 invalidSyntax), as a strict server does. */
  refusesExtensions: string[];
  /** Strings stored with each run of whitespace inside made one space (as a database column cleaned on input may). */
  collapsesSpaces: boolean;
  /** Characters outside the Basic Multilingual Plane (emoji) stored as "?", as a MySQL utf8mb3 column stores them (names, titles and the like; not identifiers). */
  narrowCharset: boolean;
  /** Names, titles and the like stored cut to this many characters, as a fixed-width column does (0: not cut). */
  maxLength: number;
  /** The status a create of a userName already taken is refused with: 409, or 400 (RFC 7644 §3.12 lists `uniqueness` among the 400 scimTypes). */
  uniquenessStatus: 409 | 400;
  /** Raw answers for the next requests, whatever they are (a proxy in front of the server). */
  next: { status: number; contentType?: string; body: string }[];
};

export type QuirkyScim = {
  url: string;
  users: Map<string, ScimResource>;
  quirks: Quirks;
  /** `METHOD path?query` of every request. */
  seen: string[];
  close(): Promise<void>;
};

const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';
const error = (res: ServerResponse, status: number, detail: string, scimType?: string): void =>
  sendScim(res, status, { schemas: [ERROR_URN], status: String(status), ...(scimType ? { scimType } : {}), detail });

const EQ_FILTER = /^(userName|externalId) eq ("(?:[^"\\]|\\.)*")$/i;

/** A search by externalId refused as a server that does not filter by it answers. */
const refuseExternalIdFilter = (res: ServerResponse, how: Exclude<Quirks['externalIdFilter'], 'supported' | 'empty'>): void => {
  if (how === '501') return error(res, 501, 'Filtering on externalId is not implemented');
  return error(res, 400, 'Unsupported filter attribute: externalId', how === 'invalidFilter' ? 'invalidFilter' : undefined);
};

/** Every string in a JSON value rewritten by `rewrite`, but the ones `keep` names (at any depth). */
const rewritten = (v: unknown, rewrite: (s: string) => string, keep: ReadonlySet<string> = new Set()): unknown => {
  if (typeof v === 'string') return rewrite(v);
  if (Array.isArray(v)) return v.map((x) => rewritten(x, rewrite, keep));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, keep.has(k) ? x : rewritten(x, rewrite, keep)]));
  return v;
};

/** What names a user or its schemas: never rewritten by the quirks that store text otherwise. */
const IDENTIFIERS = new Set(['id', 'externalId', 'userName', 'schemas', 'emails', 'phoneNumbers', 'roles']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A PUT on a server that keeps what the body leaves out: each attribute sent replaces the one held
 * (a complex one attribute by attribute), null and [] clear it, and an extension left empty goes
 * from `schemas` too.
 */
function keepOmitted(held: ScimResource, sent: ScimResource): ScimResource {
  const merge = (base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> => {
    const out = { ...base };
    for (const [key, value] of Object.entries(over)) {
      if (value === null || (Array.isArray(value) && value.length === 0)) delete out[key];
      else if (isRecord(value) && isRecord(out[key])) out[key] = merge(out[key], value);
      else out[key] = value;
      if (isRecord(out[key]) && Object.keys(out[key]).length === 0) delete out[key];
    }
    return out;
  };
  const out = merge(held, sent);
  const extensions = Object.keys(out).filter((k) => k.startsWith('urn:'));
  const gone = (urn: string): boolean => (urn in held || urn in sent) && !(urn in out);
  const schemas = [...(Array.isArray(sent.schemas) ? (sent.schemas as unknown[]) : []), ...extensions].map(String);
  out.schemas = [...new Set(schemas)].filter((urn) => !gone(urn));
  return out;
}

export async function startQuirkyScim(seed: ScimResource[], quirks: Partial<Quirks> = {}): Promise<QuirkyScim> {
  const q: Quirks = { emptyResources: 'array', nullPaging: false, pagingAsStrings: false, maxPageSize: 100, activeAsString: false, caseSensitiveFilter: false, putAnswer: '200', unicodeNfc: false, integerIds: false, bareVersions: false, frameworkEtags: false, pastEnd: 'empty', omitted: 'cleared', externalIdFilter: 'supported', noEscapedQuotes: false, ignores: [], keepsActive: false, refusesExtensions: [], collapsesSpaces: false, narrowCharset: false, maxLength: 0, uniquenessStatus: 409, next: [], ...quirks };
  const revisions = new Map<string, number>();
  const etagOf = (id: string): string => `W/"${revisions.get(id) ?? 1}"`;
  const users = new Map(seed.map((r) => [String(r.id), r]));
  const seen: string[] = [];
  let nextId = 1;
  const asRead = (r: ScimResource): ScimResource => {
    const out = q.activeAsString && typeof r.active === 'boolean' ? { ...r, active: String(r.active) } : r;
    if (q.bareVersions) return { ...out, meta: { resourceType: 'User', version: String(revisions.get(String(r.id)) ?? 1) } };
    if (q.frameworkEtags) return { ...out, meta: { resourceType: 'User', version: etagOf(String(r.id)) } };
    return q.integerIds ? { ...out, id: Number(out.id), meta: { resourceType: 'User', version: Number(nextId) } } : out;
  };

  const stored = (text: string): ScimResource => {
    const resource = JSON.parse(q.unicodeNfc ? text.normalize('NFC') : text) as ScimResource;
    for (const name of q.ignores) delete resource[name];
    let out = q.collapsesSpaces ? (rewritten(resource, (t) => t.replace(/\s+/g, ' ')) as ScimResource) : resource;
    if (q.narrowCharset) out = rewritten(out, (t) => t.replace(/[\u{10000}-\u{10FFFF}]/gu, '?'), IDENTIFIERS) as ScimResource;
    if (q.maxLength > 0) out = rewritten(out, (t) => (t.length > q.maxLength ? t.slice(0, q.maxLength) : t), IDENTIFIERS) as ScimResource;
    return out;
  };
  const form = (s: string): string => (q.unicodeNfc ? s.normalize('NFC') : s);

  const matches = (r: ScimResource, attr: string, raw: string): boolean => {
    const held = form(String(attr === 'userName' ? r.userName : r.externalId));
    const value = form(raw);
    return attr === 'userName' && !q.caseSensitiveFilter ? held.toLowerCase() === value.toLowerCase() : held === value;
  };

  const list = (url: URL, res: ServerResponse): void => {
    const filter = url.searchParams.get('filter');
    const m = filter === null ? null : EQ_FILTER.exec(filter);
    if (filter !== null && (!m || (q.noEscapedQuotes && filter.includes('\\"')))) return error(res, 400, `cannot parse ${filter}`, 'invalidFilter');
    const attr = m?.[1]?.toLowerCase() === 'username' ? 'userName' : 'externalId';
    if (m && attr === 'externalId' && q.externalIdFilter !== 'supported' && q.externalIdFilter !== 'empty') return refuseExternalIdFilter(res, q.externalIdFilter);
    const unindexed = m !== null && attr === 'externalId' && q.externalIdFilter === 'empty';
    const all = unindexed ? [] : [...users.values()].filter((r) => !m || matches(r, attr, JSON.parse(m[2] ?? '""') as string));
    const start = Math.max(1, Number(url.searchParams.get('startIndex') ?? 1));
    if (start > all.length && q.pastEnd !== 'empty') return error(res, q.pastEnd, `startIndex ${start} is past the last user`, 'invalidValue');
    const page = all.slice(start - 1, start - 1 + Math.min(q.maxPageSize, Number(url.searchParams.get('count') ?? q.maxPageSize)));
    const body: Record<string, unknown> = { schemas: [LIST_RESPONSE_URN], totalResults: all.length };
    body.startIndex = q.nullPaging ? null : start;
    body.itemsPerPage = q.nullPaging ? null : page.length;
    if (q.pagingAsStrings) for (const k of ['totalResults', 'startIndex', 'itemsPerPage']) body[k] = String(body[k]);
    if (page.length > 0 || q.emptyResources === 'array') body.Resources = page.map(asRead);
    else if (q.emptyResources === 'null') body.Resources = null;
    sendScim(res, 200, body);
  };

  /** One user as a single-resource answer, with its ETag when the server keeps them. */
  const sendOne = (res: ServerResponse, status: number, r: ScimResource): void => {
    if (q.bareVersions) res.setHeader('ETag', etagOf(String(r.id)));
    const body = asRead(r);
    if (q.frameworkEtags) res.setHeader('ETag', `W/"${createHash('sha1').update(JSON.stringify(body)).digest('base64').slice(0, 27)}"`);
    sendScim(res, status, body);
  };

  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      seen.push(`${req.method} ${req.url}`);
      const raw = q.next.shift();
      if (raw) {
        res.writeHead(raw.status, raw.contentType ? { 'Content-Type': raw.contentType } : {});
        return res.end(raw.body);
      }
      const url = new URL(req.url ?? '/', 'http://scim');
      if (req.method === 'POST' || req.method === 'PUT') {
        const unknown = q.refusesExtensions.find((urn) => Object.keys(JSON.parse(text || '{}') as object).includes(urn));
        if (unknown) return error(res, 400, `Unknown schema ${unknown}`, 'invalidSyntax');
      }
      if (url.pathname === '/scim/v2/Users' && req.method === 'GET') return list(url, res);
      if (url.pathname === '/scim/v2/Users' && req.method === 'POST') {
        const sent = stored(text);
        const taken = [...users.values()].some((r) => form(String(r.userName)).toLowerCase() === String(sent.userName).toLowerCase());
        if (taken) return error(res, q.uniquenessStatus, 'userName is already taken', 'uniqueness');
        const created = { ...sent, id: q.integerIds ? String(nextId++) : `q${nextId++}` };
        users.set(created.id, created);
        return sendOne(res, 201, created);
      }
      const id = decodeURIComponent(/^\/scim\/v2\/Users\/([^/]+)$/.exec(url.pathname)?.[1] ?? '');
      const held = users.get(id);
      if (!held) return error(res, 404, 'no such user');
      if (req.method === 'GET') return sendOne(res, 200, held);
      if (req.method !== 'PUT') return error(res, 501, 'not supported');
      const ifMatch = req.headers['if-match'];
      if ((q.bareVersions || q.frameworkEtags) && ifMatch !== undefined && ifMatch !== etagOf(id)) return error(res, 412, `If-Match ${ifMatch} is not ${etagOf(id)}`);
      const replaced = { ...(q.omitted === 'kept' ? keepOmitted(held, stored(text)) : stored(text)), id, ...(q.keepsActive ? { active: held.active } : {}) };
      users.set(id, replaced);
      revisions.set(id, (revisions.get(id) ?? 1) + 1);
      if (q.putAnswer === '204') return sendScim(res, 204);
      if (q.putAnswer === '200') return sendOne(res, 200, replaced);
      if (q.putAnswer === '200-without-active') {
        const { active: _active, ...answer } = replaced;
        return sendOne(res, 200, answer);
      }
      return sendScim(res, 200);
    });
  });
  return { ...(await listenOnLoopback(server)), users, quirks: q, seen };
}

/**
 * Quirky servers for one test file, each started with the real SCIM client on it (no retries,
 * pages of 10); `close` ends every one (for afterAll).
 */
export function quirkyServers(): {
  start(...args: Parameters<typeof startQuirkyScim>): Promise<{ server: QuirkyScim; scim: ScimClient }>;
  close(): Promise<void>;
} {
  const servers: QuirkyScim[] = [];
  return {
    async start(...args) {
      const server = await startQuirkyScim(...args);
      servers.push(server);
      return { server, scim: createScimClient({ scimUrl: server.url, token: secretFromValue('t'), pageSize: 10, requestTimeoutMs: 5000, maxRetries: 0 }) };
    },
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
