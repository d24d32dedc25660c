import type { WfmFaultKind } from './faults';

export type WfmApi = 'scim' | 'user-management' | 'admin';

export type WfmRequestLogEntry = {
  method: string;
  /** The raw (still percent-encoded) path, without the query. */
  path: string;
  /** The raw query string, without '?'. */
  query: string;
  /** The status sent; 0 while pending, and for requests dropped without an answer. */
  status: number;
  api: WfmApi;
  /** Arrival time (epoch ms). */
  at: number;
  /** The fault injected into this request, if any. */
  fault?: WfmFaultKind;
};

export type RequestMatch = {
  method?: string | string[];
  api?: WfmApi;
  pathPrefix?: string;
  status?: number;
};

export const requestMatches = (entry: WfmRequestLogEntry, match: RequestMatch): boolean => {
  const methods = match.method === undefined ? undefined : [match.method].flat().map((m) => m.toUpperCase());
  return (
    (methods === undefined || methods.includes(entry.method)) &&
    (match.api === undefined || entry.api === match.api) &&
    (match.pathPrefix === undefined || entry.path.startsWith(match.pathPrefix)) &&
    (match.status === undefined || entry.status === match.status)
  );
};

export const filterRequests = (requests: readonly WfmRequestLogEntry[], match: RequestMatch = {}): WfmRequestLogEntry[] =>
  requests.filter((entry) => requestMatches(entry, match));

/** E.g. `countRequests(sandbox.requests, { method: ['POST', 'PUT'], api: 'scim' })` to assert "no writes". */
export const countRequests = (requests: readonly WfmRequestLogEntry[], match: RequestMatch = {}): number =>
  filterRequests(requests, match).length;
