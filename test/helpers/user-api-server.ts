// A small hand-written WFM user-management API (token, deactivate, revive), as another make of WFM
// may answer it: each route's answer is a function the test sets, and every request is recorded.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback, readBody } from './scim-server';

export const TOKEN_PATH = '/authentication/v1/token/access-key';
export const DEACTIVATE_PATH = '/user-management/v1/users/deactivate';
const REVIVE = /^\/user-management\/v1\/users\/([^/]+)\/revive$/;

export type Answer = {
  status: number;
  /** A string is sent as is; anything else as JSON. Absent: no body. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Never answered (the client times out); the route's side effects have happened. */
  hang?: boolean;
};

export type Seen = { path: string; authorization: string | undefined; body: unknown };

export type UserApiRoutes = {
  token: (n: number) => Answer | Promise<Answer>;
  deactivate: (ids: string[], authorization: string | undefined, n: number) => Answer | Promise<Answer>;
  revive: (id: string, authorization: string | undefined, n: number) => Answer | Promise<Answer>;
};

export type UserApiServer = {
  url: string;
  routes: UserApiRoutes;
  seen: Seen[];
  count(path: string | RegExp): number;
  close(): Promise<void>;
};

/** A token answer as the description has it: the n-th token is `t<n>`. */
export const bearerToken = (n: number): Answer => ({ status: 200, body: { access_token: `t${n}`, token_type: 'Bearer', expires_in: 3600 } });

function send(res: ServerResponse, answer: Answer): void {
  if (answer.hang) return;
  const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  res.writeHead(answer.status, { ...(text !== '' ? { 'Content-Type': 'application/json' } : {}), ...answer.headers });
  res.end(text);
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

export async function startUserApiServer(routes: Partial<UserApiRoutes> = {}): Promise<UserApiServer> {
  const all: UserApiRoutes = {
    token: bearerToken,
    deactivate: () => ({ status: 200, body: { notDeletedUserIds: [] } }),
    revive: () => ({ status: 200, body: {} }),
    ...routes,
  };
  const seen: Seen[] = [];
  const counts = new Map<string, number>();
  const next = (key: string): number => {
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    return n;
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = req.url ?? '';
    const body = parse(await readBody(req));
    const authorization = req.headers.authorization;
    seen.push({ path, authorization, body });
    if (req.method !== 'POST') return send(res, { status: 405 });
    if (path === TOKEN_PATH) return send(res, await server.routes.token(next('token')));
    if (path === DEACTIVATE_PATH) {
      const ids = (body as { userIds?: string[] }).userIds ?? [];
      return send(res, await server.routes.deactivate(ids, authorization, next('deactivate')));
    }
    const revive = REVIVE.exec(path);
    if (revive?.[1] !== undefined) return send(res, await server.routes.revive(decodeURIComponent(revive[1]), authorization, next('revive')));
    send(res, { status: 404, body: { status: 404, error: 'Not Found', message: 'No such endpoint' } });
  };
  const http = await listenOnLoopback(createServer((req, res) => void handle(req, res)));
  const server: UserApiServer = {
    url: http.url.replace(/\/scim\/v2$/, ''),
    routes: all,
    seen,
    count: (p) => seen.filter((s) => (typeof p === 'string' ? s.path === p : p.test(s.path))).length,
    close: () => http.close(),
  };
  return server;
}
