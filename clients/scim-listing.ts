// The reads of GET /Users: the whole listing, a search by filter, and the preflight's probe and
// sample, with what this WFM was found to do while paging (clients/scim-paging.ts).
import type { ScimNames } from '../mappers/scim-canonical';
import type { WfmUser } from '../sync/types';
import { SyncError } from './errors';
import type { HttpClient } from './http';
import { filterValue } from './scim-filter';
import { listedUser, toWfmUser } from './scim-resource';
import { firstByCursor } from './scim-cursor-paging';
import { readListPage, type PageAt, type ScimPage } from './scim-list-page';
import { firstPageAgain, pageThrough, type PagingMemory } from './scim-paging';

/** The userName the preflight looks up: no user has it, so the answer is an empty listing. */
export const PROBE_USER_NAME = 'okta-wfm-sync-check';
/** Reads of the whole listing before one that cannot be trusted (users moving between pages) fails the run. */
const LISTING_READS = 3;
/** How a WFM that allows no plain listing answers one. */
const LISTING_REFUSED = new Set([400, 403, 501]);

export type ScimListing = {
  /** Every user (ScimClient.listAll). */
  listAll(): Promise<WfmUser[]>;
  /** The users a filter finds; `refusal` may turn an error of its first page into another (a later page's is a paging problem). */
  search(what: string, filter: string, onRetry?: () => void, refusal?: (err: unknown) => unknown): Promise<WfmUser[]>;
  /** ScimClient.probe. */
  probe(mode: 'list' | 'lookup'): Promise<{ totalResults: number | undefined }>;
  /** ScimClient.sampleListing. */
  sampleListing(count: number): Promise<{ users: WfmUser[]; firstPageAgain?: string }>;
};

export function createScimListing(client: HttpClient, scimUrl: string, pageSize: number, names: ScimNames): ScimListing {
  async function listPage(at: PageAt, count: number, filter?: string, onRetry?: () => void): Promise<ScimPage<WfmUser>> {
    const res = await client.request({
      ...(onRetry ? { onRetry } : {}),
      method: 'GET',
      path: '/Users',
      params: { ...at, count, ...(filter !== undefined ? { filter } : {}) },
    });
    return readListPage(res.body, at, filter === undefined ? (r) => listedUser(r, names) : (r) => toWfmUser(r, undefined, names));
  }

  /** Where GET /Users goes, as a person would paste it. */
  const usersUrl = `${scimUrl.replace(/\/+$/, '')}/Users`;

  /**
   * The first page of a listing (or of the preflight's search), with what to do when it is refused:
   * 404, no Users endpoint at WFM_SCIM_URL (most often a URL without its base path, such as
   * /scim/v2); 400, 403 or 501 on a plain listing, a WFM that lists no users without a filter
   * (WFM-API.md), which WFM_READ_MODE=lookup reads one by one instead.
   */
  async function firstListPage(count = pageSize, filter?: string) {
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

  return {
    async listAll() {
      // Paging by startIndex is stateless (RFC 7644 §3.4.2.4): users added or removed while it runs
      // shift the pages, and the listing is refused as untrustworthy. Such churn passes; the whole
      // listing is read again, up to LISTING_READS times in all, before the run gives up.
      for (let read = 1; ; read += 1) {
        try {
          return await pageThrough('listing', 'all', pageSize, (startIndex) => (startIndex === 1 ? firstListPage() : listPage({ startIndex }, pageSize)), {
            memory: paging,
            byCursor: (cursor) => listPage({ cursor }, pageSize),
          });
        } catch (err) {
          if (read >= LISTING_READS || !(err instanceof SyncError && err.kind === 'incomplete')) throw err;
        }
      }
    },
    search: (what, filter, onRetry, refusal = (err) => err) =>
      pageThrough(
        `search by ${what}`,
        'search',
        pageSize,
        (startIndex) =>
          listPage({ startIndex }, pageSize, filter, onRetry).catch((err: unknown) => {
            throw startIndex <= 1 ? refusal(err) : err;
          }),
        {
          totalIsCollection,
          memory: paging,
          byCursor: (cursor, opening) =>
            listPage({ cursor }, pageSize, filter, onRetry).catch((err: unknown) => {
              throw opening ? refusal(err) : err;
            }),
        },
      ),
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
  };
}
