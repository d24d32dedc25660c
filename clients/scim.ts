import type { ScimPort } from '../sync/ports';
import type { Secret } from '../config/secret';
import { userNameKey, type ScimNames } from '../mappers/scim-canonical';
import type { ScimResource, WfmUser } from '../sync/types';
import type { Gate } from './gate';
import { SyncError, externalIdFilterRefused, type ExternalIdFilterRefusedError } from './errors';
import { createHttpClient, type HttpClient, type HttpStats } from './http';
import { pathSegment } from './path-segment';
import { externalIdRefusal, refusesFilter } from './scim-filter';
import { STANDARD_NAMES, answeredId, describeScimError, listedUser, toWfmUser } from './scim-resource';
import { firstByCursor } from './scim-cursor-paging';
import { readListPage, type PageAt, type ScimPage } from './scim-list-page';
import { firstPageAgain, pageThrough, type PagingMemory } from './scim-paging';

export type ScimClientConfig = Readonly<{
  scimUrl: string;
  token: Secret;
  pageSize: number;
  requestTimeoutMs: number;
  maxRetries: number;
  onResponse?: (status: number) => void;
  /** Bounds the requests in flight to the WFM, shared with the other WFM client. */
  gate?: Gate;
  /** The names read in any case (scimNames of the mapping, so its custom extension is known); else the core, enterprise and NICE ones. */
  names?: ScimNames;
  /** The clock the memory of a refused filter expires by; Date.now unless given. */
  now?: () => number;
}>;

/**
 * How long a WFM's refusal of the externalId filter is remembered: the searches in the meantime go
 * on without it, with no request; after it, the filter is tried again (the refusal may have come
 * from a proxy, or the WFM may have been upgraded since).
 */
export const EXTERNAL_ID_REFUSAL_MEMORY_MS = 15 * 60_000;

export type ScimClient = {
  /** Every user, paged by the number of resources actually returned; refused when it disagrees with totalResults. */
  listAll(): Promise<WfmUser[]>;
  get(id: string): Promise<WfmUser>;
  findByExternalId(externalId: string): Promise<WfmUser[]>;
  findByUserName(userName: string): Promise<WfmUser[]>;
  create(resource: ScimResource): Promise<WfmUser>;
  replace(id: string, resource: ScimResource, version?: string): Promise<WfmUser>;
  /**
   * Preflight, reads only, one request: `list` asks for one user of the listing, `lookup` looks up a
   * userName no user has (WFM_READ_MODE). Answers the total the WFM announced, if it announced one.
   */
  probe(mode: 'list' | 'lookup'): Promise<{ totalResults: number | undefined }>;
  /**
   * Preflight: the first `count` users of the listing, as listed. When the WFM announces more, the
   * next page too: `firstPageAgain` says so when it is the first page again (the WFM does not page
   * by startIndex, and no full listing could be read).
   */
  sampleListing(count: number): Promise<{ users: WfmUser[]; firstPageAgain?: string }>;
  /** Preflight: the WFM's `GET /Schemas` answer as sent (RFC 7643 §7), for mappers/scim-schemas.ts to read. */
  schemas(): Promise<unknown>;
  /** The same requests, each retry also told to `onRetry`: one write's own count, whatever else runs. */
  counting(onRetry: () => void): ScimPort;
  stats(): HttpStats;
};

const SCIM_JSON = 'application/scim+json';
/** The userName the preflight looks up: no user has it, so the answer is an empty listing. */
export const PROBE_USER_NAME = 'okta-wfm-sync-check';
/** Reads of the whole listing before one that cannot be trusted (users moving between pages) fails the run. */
const LISTING_READS = 3;
/** How a WFM that allows no plain listing answers one. */
const LISTING_REFUSED = new Set([400, 403, 501]);

/** RFC 7644 §3.4.2.2: a filter value is a JSON string literal, so quotes and backslashes are escaped. */
export function filterValue(value: string): string {
  return JSON.stringify(value);
}

function userPath(id: string): string {
  return `/Users/${pathSegment(id, 'wfm-scim')}`;
}

export function createScimClient(cfg: ScimClientConfig, http?: HttpClient): ScimClient {
  const names = cfg.names ?? STANDARD_NAMES;
  /** Set when the WFM refused the externalId filter: not sent again, by any port of this client, for EXTERNAL_ID_REFUSAL_MEMORY_MS. */
  let externalIdRefused: { refusal: ExternalIdFilterRefusedError; at: number } | undefined;
  const now = cfg.now ?? Date.now;
  const read = (body: unknown, etag?: string): WfmUser => toWfmUser(body, etag, names);
  /**
   * The user a write's answer holds, or undefined when it holds none the sync can read: RFC 7644
   * §3.3 and §3.5.1 say the body SHOULD (not must) be the resource, and some servers answer with
   * the id alone, `{}` or text. The write was applied all the same, so the caller reads the user.
   */
  const readIfUser = (body: unknown, etag?: string): WfmUser | undefined => {
    try {
      return read(body, etag);
    } catch (err) {
      if (err instanceof SyncError) return undefined;
      throw err;
    }
  };
  const client =
    http ??
    createHttpClient({
      service: 'wfm-scim',
      label: 'WFM SCIM',
      baseUrl: cfg.scimUrl,
      timeoutMs: cfg.requestTimeoutMs,
      retry: { maxRetries: cfg.maxRetries },
      authorization: () => `Bearer ${cfg.token.reveal()}`,
      contentType: SCIM_JSON,
      describeBody: describeScimError,
      ...(cfg.onResponse ? { onResponse: cfg.onResponse } : {}),
      ...(cfg.gate ? { gate: cfg.gate } : {}),
    });

  async function listPage(at: PageAt, count: number, filter?: string, onRetry?: () => void): Promise<ScimPage<WfmUser>> {
    const res = await client.request({
      ...(onRetry ? { onRetry } : {}),
      method: 'GET',
      path: '/Users',
      params: { ...at, count, ...(filter !== undefined ? { filter } : {}) },
    });
    return readListPage(res.body, at, filter === undefined ? (r) => listedUser(r, names) : (r) => read(r));
  }

  /** Where GET /Users goes, as a person would paste it. */
  const usersUrl = `${cfg.scimUrl.replace(/\/+$/, '')}/Users`;

  /**
   * The first page of a listing (or of the preflight's search), with what to do when it is refused:
   * 404, no Users endpoint at WFM_SCIM_URL (most often a URL without its base path, such as
   * /scim/v2); 400, 403 or 501 on a plain listing, a WFM that lists no users without a filter
   * (WFM-API.md), which WFM_READ_MODE=lookup reads one by one instead.
   */
  async function firstListPage(count = cfg.pageSize, filter?: string) {
    try {
      return await listPage({ startIndex: 1 }, count, filter);
    } catch (err) {
      if (!(err instanceof SyncError)) throw err;
      const notThere = err.status === 404;
      if (!notThere && (filter !== undefined || !LISTING_REFUSED.has(err.status ?? 0))) throw err;
      const hint = notThere
        ? `; there is no SCIM Users endpoint at ${usersUrl}: check WFM_SCIM_URL, the base URL of the WFM's SCIM 2.0 API (it usually ends in /scim/v2)`
        : '; if this WFM lists no users without a filter, set WFM_READ_MODE=lookup (each user is then looked up; off-boarding needs the listing)';
      const init = { service: err.service, ...(err.status !== undefined ? { status: err.status } : {}), ...(err.scimType !== undefined ? { scimType: err.scimType } : {}) };
      throw new SyncError(`${err.message}${hint}`, { ...init, kind: notThere ? 'config' : err.kind });
    }
  }

  /** How this WFM pages, as learnt by its listings and searches. */
  const paging: PagingMemory = { zeroBased: false, cursor: false };
  /** Set once a search's totalResults was found to count the whole collection (some servers do so on every search). */
  let searchTotalsCountAll = false;
  /** Whether `announced` is the number of users in the whole listing: one page of one user tells. */
  const totalIsCollection = async (announced: number): Promise<boolean> => {
    if (searchTotalsCountAll) return true;
    try {
      searchTotalsCountAll = (await listPage({ startIndex: 1 }, 1)).total === announced;
    } catch {
      return false; // a WFM that lists nothing without a filter cannot tell: the search stays untrusted
    }
    return searchTotalsCountAll;
  };

  /** The requests one user's write makes; `onRetry` is told of each retry. */
  function port(onRetry?: () => void): ScimPort {
    const counted = onRetry ? { onRetry } : {};
    /** A search by filter; `refusal` may turn an error of its first page into another (a later page's is a paging problem). */
    const search = (what: string, filter: string, refusal: (err: unknown) => unknown = (err) => err): Promise<WfmUser[]> =>
      pageThrough(
        `search by ${what}`,
        'search',
        cfg.pageSize,
        (startIndex) =>
          listPage({ startIndex }, cfg.pageSize, filter, onRetry).catch((err: unknown) => {
            throw startIndex <= 1 ? refusal(err) : err;
          }),
        {
          totalIsCollection,
          memory: paging,
          byCursor: (cursor, opening) =>
            listPage({ cursor }, cfg.pageSize, filter, onRetry).catch((err: unknown) => {
              throw opening ? refusal(err) : err;
            }),
        },
      );
    const findByExternalId = async (externalId: string): Promise<WfmUser[]> => {
      if (externalIdRefused && now() - externalIdRefused.at < EXTERNAL_ID_REFUSAL_MEMORY_MS) throw externalIdRefusal(externalIdRefused.refusal);
      const found = await search('externalId', `externalId eq ${filterValue(externalId)}`, (err) => {
        if (!refusesFilter(err)) return err;
        const refusal = externalIdRefusal(err);
        externalIdRefused = { refusal, at: now() };
        return refusal;
      });
      externalIdRefused = undefined;
      return found.filter((u) => u.externalId === externalId);
    };
    const findByUserName = async (userName: string): Promise<WfmUser[]> => {
      const found = await search('userName', `userName eq ${filterValue(userName)}`);
      return found.filter((u) => userNameKey(u.userName) === userNameKey(userName));
    };
    const lostCreate = (status: number, why: string): SyncError =>
      new SyncError(`WFM SCIM POST /Users answered ${status} without the user it created, and ${why}`, { kind: 'invalid', service: 'wfm-scim' });
    /**
     * On a WFM that does not filter by externalId, the user just created is the one user holding
     * the userName sent, if it carries the externalId sent or none: one carrying another is not ours.
     */
    const createdByUserName = async (userName: string, externalId: string, status: number): Promise<WfmUser> => {
      const named = await findByUserName(userName);
      const [one] = named;
      if (named.length === 1 && one && (one.externalId === undefined || one.externalId === externalId)) return one;
      const holders = named.length === 0 ? 'no user holds its userName' : named.length > 1 ? `${named.length} users hold its userName` : 'the user holding its userName carries another externalId';
      throw lostCreate(status, `the WFM does not filter by externalId, and ${holders}`);
    };
    /** RFC 7644 §3.3: a 201's body SHOULD (not must) hold the new user; without one or its id, the user is found by the externalId sent (by its userName where the WFM does not filter by externalId). */
    const createdWithoutBody = async (resource: ScimResource, status: number): Promise<WfmUser> => {
      const externalId = typeof resource.externalId === 'string' ? resource.externalId : undefined;
      const userName = typeof resource.userName === 'string' ? resource.userName : undefined;
      if (externalId === undefined) throw lostCreate(status, 'no user carries its externalId');
      let found: WfmUser[];
      try {
        found = await findByExternalId(externalId);
      } catch (err) {
        if (externalIdFilterRefused(err) && userName !== undefined) return createdByUserName(userName, externalId, status);
        throw err;
      }
      if (found.length === 1 && found[0]) return found[0];
      throw lostCreate(status, found.length === 0 ? 'no user carries its externalId' : `${found.length} users carry its externalId`);
    };
    const get = async (id: string): Promise<WfmUser> => {
      const res = await client.request({ ...counted, method: 'GET', path: userPath(id) });
      return read(res.body, res.headers.etag);
    };
    return {
      get,
      findByExternalId,
      findByUserName,
      async create(resource) {
        const res = await client.request({ ...counted, method: 'POST', path: '/Users', body: resource });
        const created = readIfUser(res.body, res.headers.etag);
        if (created) return created;
        const id = answeredId(res.body);
        return id === undefined ? createdWithoutBody(resource, res.status) : get(id);
      },
      async replace(id, resource, version) {
        const res = await client.request({
          ...counted,
          method: 'PUT',
          path: userPath(id),
          body: { ...resource, id },
          ...(version !== undefined ? { headers: { 'If-Match': version } } : {}),
        });
        // RFC 7644 §3.5.1 puts the replaced resource in the answer "unless otherwise specified", and
        // HTTP (RFC 7231 §4.3.4) allows 204: a PUT answered without the user (no body, the id and
        // meta alone, text) has still replaced it, so it is read again rather than counted as failed.
        return readIfUser(res.body, res.headers.etag) ?? get(id);
      },
    };
  }

  return {
    async listAll() {
      // Paging by startIndex is stateless (RFC 7644 §3.4.2.4): users added or removed while it runs
      // shift the pages, and the listing is refused as untrustworthy. Such churn passes; the whole
      // listing is read again, up to LISTING_READS times in all, before the run gives up.
      for (let read = 1; ; read += 1) {
        try {
          return await pageThrough('listing', 'all', cfg.pageSize, (startIndex) => (startIndex === 1 ? firstListPage() : listPage({ startIndex }, cfg.pageSize)), {
            memory: paging,
            byCursor: (cursor) => listPage({ cursor }, cfg.pageSize),
          });
        } catch (err) {
          if (read >= LISTING_READS || !(err instanceof SyncError && err.kind === 'incomplete')) throw err;
        }
      }
    },
    async probe(mode) {
      const page = await firstListPage(1, mode === 'list' ? undefined : `userName eq ${filterValue(PROBE_USER_NAME)}`);
      return { totalResults: page.total };
    },
    async sampleListing(count) {
      const first = await firstListPage(count);
      const users = first.resources;
      if (users.length === 0 || first.nextCursor !== undefined || first.total === undefined || first.total <= users.length) return { users };
      const next = await listPage({ startIndex: 1 + users.length }, count);
      const ids = new Set(users.map((u) => u.id));
      const again = next.resources.length > 0 && next.resources.every((u) => ids.has(u.id));
      // A server that ignores startIndex but pages by cursor is read so (clients/scim-paging.ts).
      if (!again || (await firstByCursor((cursor) => listPage({ cursor }, count)))?.nextCursor !== undefined) return { users };
      return { users, firstPageAgain: firstPageAgain(1 + users.length, users.length, first.total, true) };
    },
    async schemas() {
      return (await client.request({ method: 'GET', path: '/Schemas' })).body;
    },
    ...port(),
    counting: (onRetry) => port(onRetry),
    stats: () => client.stats(),
  };
}
