import type { ScimPort } from '../sync/ports';
import type { Secret } from '../config/secret';
import type { ScimNames } from '../mappers/scim-canonical';
import type { ScimResource, WfmUser } from '../sync/types';
import type { Gate } from './gate';
import { createHttpClient, type HttpClient, type HttpStats } from './http';
import { createScimListing } from './scim-listing';
import { STANDARD_NAMES, describeScimError } from './scim-resource';
import { scimUserPorts } from './scim-user-port';

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

export function createScimClient(cfg: ScimClientConfig, http?: HttpClient): ScimClient {
  const names = cfg.names ?? STANDARD_NAMES;
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
  const listing = createScimListing(client, cfg.scimUrl, cfg.pageSize, names);
  const { listAll, probe, sampleListing } = listing;
  const port = scimUserPorts(client, listing, names, cfg.now ?? Date.now);

  return {
    listAll,
    probe,
    sampleListing,
    async schemas() {
      return (await client.request({ method: 'GET', path: '/Schemas' })).body;
    },
    ...port(),
    counting: (onRetry) => port(onRetry),
    stats: () => client.stats(),
  };
}
