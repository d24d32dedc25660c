// The requests one user's write makes (sync/ports.ts ScimPort): find it, read it, create it,
// replace it, and find a created user the WFM's answer left out.
import { userNameKey, type ScimNames } from '../mappers/scim-canonical';
import type { ScimPort } from '../sync/ports';
import type { ScimResource, WfmUser } from '../sync/types';
import { SyncError, externalIdFilterRefused, type ExternalIdFilterRefusedError } from './errors';
import type { HttpClient } from './http';
import { pathSegment } from './path-segment';
import { externalIdRefusal, filterValue, refusesFilter } from './scim-filter';
import type { ScimListing } from './scim-listing';
import { answeredId, toWfmUser } from './scim-resource';

/**
 * How long a WFM's refusal of the externalId filter is remembered: the searches in the meantime go
 * on without it, with no request; after it, the filter is tried again (the refusal may have come
 * from a proxy, or the WFM may have been upgraded since).
 */
export const EXTERNAL_ID_REFUSAL_MEMORY_MS = 15 * 60_000;

function userPath(id: string): string {
  return `/Users/${pathSegment(id, 'wfm-scim')}`;
}

/** The ports of one client, each telling `onRetry` (when given) of its retries; `now` is the clock the memory of a refused filter expires by. */
export function scimUserPorts(client: HttpClient, listing: ScimListing, names: ScimNames, now: () => number): (onRetry?: () => void) => ScimPort {
  /** Set when the WFM refused the externalId filter: not sent again, by any port of this client, for EXTERNAL_ID_REFUSAL_MEMORY_MS. */
  let externalIdRefused: { refusal: ExternalIdFilterRefusedError; at: number } | undefined;
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

  /** The requests one user's write makes; `onRetry` is told of each retry. */
  return function port(onRetry?: () => void): ScimPort {
    const counted = onRetry ? { onRetry } : {};
    const findByExternalId = async (externalId: string): Promise<WfmUser[]> => {
      if (externalIdRefused && now() - externalIdRefused.at < EXTERNAL_ID_REFUSAL_MEMORY_MS) throw externalIdRefusal(externalIdRefused.refusal);
      const found = await listing.search('externalId', `externalId eq ${filterValue(externalId)}`, onRetry, (err) => {
        if (!refusesFilter(err)) return err;
        const refusal = externalIdRefusal(err);
        externalIdRefused = { refusal, at: now() };
        return refusal;
      });
      externalIdRefused = undefined;
      return found.filter((u) => u.externalId === externalId);
    };
    const findByUserName = async (userName: string): Promise<WfmUser[]> => {
      const found = await listing.search('userName', `userName eq ${filterValue(userName)}`, onRetry);
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
  };
}
