import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OktaSourceConfig } from '../../clients/okta';
import { IN_SCOPE_STATUSES } from '../../config/load-config';
import { secretFromValue } from '../../config/secret';

/** One answer of the front: a status (200), headers beyond Date and Content-Type, and a JSON body. */
export type FrontAnswer = { status?: number; headers?: Record<string, string | string[]>; body: unknown };

/** Answers a request to one path; `url` is absolute (on the front's origin), `nth` counts from 0 per path. */
export type FrontRoute = (url: URL, nth: number, req: IncomingMessage) => FrontAnswer;

export type OktaFront = {
  url: string;
  /** Every request, in order, with its path as sent (before `//` is made `/`). */
  requests: { path: string; rawPath: string; query: Record<string, string>; rawQuery: string }[];
  /** The answer for a path (`//api` reads as `/api`, as in Okta); unknown paths answer 404 E0000007. */
  routes: Map<string, FrontRoute>;
  /** Headers added to every answer (e.g. rate-limit headers); none by default. */
  commonHeaders: () => Record<string, string>;
  close(): Promise<void>;
};

/**
 * A small Okta-like HTTP front whose every answer a test writes: for the behaviours an
 * implementation of Okta's API may show that the sandbox does not (Link header forms, rate-limit
 * headers, odd records). No rate-limit headers unless a test adds them.
 */
export async function startOktaFront(host = '127.0.0.1'): Promise<OktaFront> {
  const counts = new Map<string, number>();
  const front: OktaFront = {
    url: '',
    requests: [],
    routes: new Map(),
    commonHeaders: () => ({}),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(`${front.url}${req.url ?? '/'}`);
    const rawPath = url.pathname;
    const path = rawPath.replace(/^\/{2,}/, '/');
    front.requests.push({ path, rawPath, query: Object.fromEntries(url.searchParams), rawQuery: url.search });
    const nth = counts.get(path) ?? 0;
    counts.set(path, nth + 1);
    const route = front.routes.get(path);
    const answer: FrontAnswer = route
      ? route(new URL(`${path}${url.search}`, front.url), nth, req)
      : { status: 404, body: { errorCode: 'E0000007', errorSummary: `Not found: Resource not found: ${path}`, errorCauses: [] } };
    res.setHeader('Date', new Date().toUTCString());
    res.setHeader('Content-Type', 'application/json');
    for (const [name, value] of Object.entries({ ...front.commonHeaders(), ...answer.headers })) res.setHeader(name, value);
    res.statusCode = answer.status ?? 200;
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  front.url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return front;
}

/** Okta source settings pointing at a front, with quick retries. */
export function frontConfig(front: OktaFront, over: Partial<OktaSourceConfig> = {}): OktaSourceConfig {
  return {
    orgUrl: front.url,
    apiToken: secretFromValue('front-token'),
    appId: '0oa1appappappappapp1',
    supervisorGroups: [],
    inScopeStatuses: [...IN_SCOPE_STATUSES],
    pageSize: 500,
    requestTimeoutMs: 5000,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...over,
  };
}

/** An Okta-shaped error body. */
export const oktaError = (status: number, errorCode: string, errorSummary: string): FrontAnswer => ({
  status,
  body: { errorCode, errorSummary, errorLink: errorCode, errorId: 'oae-front', errorCauses: [] },
});
