// A small SCIM server with documented behaviours of real service providers (Zoom, IAM Identity
// Center, servers following the "totalResults = every user" advice, 0-based offsets, 400 on a
// duplicate), for test/clients/scim-real-providers.test.ts.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createScimClient, type ScimClient } from '../../clients/scim';
import { secretFromValue } from '../../config/secret';
import { LIST_RESPONSE_URN } from '../../mappers/scim-canonical';
import type { ScimResource } from '../../sync/types';
import { listenOnLoopback, readBody, sendScim } from './scim-server';

export type RealQuirks = {
  /** Attributes the listing (no filter) leaves out, `urn:...:User:attr` for one in an extension (Zoom ListUsers vs GetUser). */
  listOmits: string[];
  /** Attributes a PUT leaves as they were, answering 200 with the user as stored (Zoom: userName, displayName). */
  putIgnores: string[];
  /** startIndex not read: every page is the first one (IAM Identity Center pages by `cursor` only). */
  ignoresStartIndex: boolean;
  /** count not read: every page holds maxPageSize users (SCIMMY Routers on Express 5 reads neither: pages of 20). */
  ignoresCount: boolean;
  /** totalResults is the count of the page's own users (SCIMMY 1.3 whose egress pages in its store: its ListResponse counts what it is handed). */
  totalPerPage: boolean;
  /** totalResults of a filtered search is the count of every user (the "Pitfall 6" advice). */
  totalIsEveryUser: boolean;
  /** startIndex read as a 0-based offset (OSIAM, SimpleIdServer 2.0.0, Harness before PL-29702). */
  zeroBasedOffset: boolean;
  /** How a duplicate userName is refused: 409 uniqueness, or 400 invalidValue (go-scim, FusionAuth < 1.37, WSO2 IS). */
  duplicate: 409 | 'invalidValue' | 'bare400';
  maxPageSize: number;
};

export type RealScim = { url: string; users: Map<string, ScimResource>; seen: string[]; close(): Promise<void> };

const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';
const EQ = /^(userName|externalId) eq "((?:[^"\\]|\\.)*)"$/i;

const error = (res: ServerResponse, status: number, detail: string, scimType?: string): void =>
  sendScim(res, status, { schemas: [ERROR_URN], status: String(status), ...(scimType ? { scimType } : {}), detail });

function omit(r: ScimResource, names: string[]): ScimResource {
  const out: ScimResource = { ...r };
  for (const n of names) {
    const at = n.lastIndexOf(':');
    if (n.startsWith('urn:') && at > 0) {
      const urn = n.slice(0, at);
      if (typeof out[urn] === 'object' && out[urn] !== null) {
        const ext = { ...(out[urn] as Record<string, unknown>) };
        delete ext[n.slice(at + 1)];
        out[urn] = ext;
      }
    } else delete out[n];
  }
  return out;
}

export async function startRealScim(seed: ScimResource[], quirks: Partial<RealQuirks> = {}): Promise<RealScim> {
  const q: RealQuirks = { listOmits: [], putIgnores: [], ignoresStartIndex: false, ignoresCount: false, totalPerPage: false, totalIsEveryUser: false, zeroBasedOffset: false, duplicate: 409, maxPageSize: 100, ...quirks };
  const users = new Map(seed.map((r) => [String(r.id), r]));
  const seen: string[] = [];
  let next = 1;
  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      seen.push(`${req.method} ${req.url}`);
      const url = new URL(req.url ?? '/', 'http://scim');
      if (url.pathname === '/scim/v2/Users' && req.method === 'GET') {
        const filter = url.searchParams.get('filter');
        const m = filter === null ? null : EQ.exec(filter);
        if (filter !== null && !m) return error(res, 400, `cannot parse ${filter}`, 'invalidFilter');
        const all = [...users.values()].filter((r) => {
          if (!m) return true;
          const value = JSON.parse(`"${m[2]}"`) as string;
          return m[1]?.toLowerCase() === 'username' ? String(r.userName).toLowerCase() === value.toLowerCase() : r.externalId === value;
        });
        const start = Number(url.searchParams.get('startIndex') ?? 1);
        const count = q.ignoresCount ? q.maxPageSize : Math.min(q.maxPageSize, Number(url.searchParams.get('count') ?? q.maxPageSize));
        const offset = q.ignoresStartIndex ? 0 : q.zeroBasedOffset ? start : start - 1;
        const page = all.slice(Math.max(0, offset), Math.max(0, offset) + count).map((r) => (m ? r : omit(r, q.listOmits)));
        const totalResults = q.totalPerPage ? page.length : m && q.totalIsEveryUser ? users.size : all.length;
        return sendScim(res, 200, { schemas: [LIST_RESPONSE_URN], totalResults, startIndex: start, itemsPerPage: page.length, Resources: page });
      }
      if (url.pathname === '/scim/v2/Users' && req.method === 'POST') {
        const sent = JSON.parse(text) as ScimResource;
        if ([...users.values()].some((r) => String(r.userName).toLowerCase() === String(sent.userName).toLowerCase())) {
          if (q.duplicate === 'invalidValue') return error(res, 400, "value of 'userName' is not unique", 'invalidValue');
          if (q.duplicate === 'bare400') return error(res, 400, 'User already exists');
          return error(res, 409, 'userName is already taken', 'uniqueness');
        }
        const created = { ...sent, id: `r${next++}` };
        users.set(created.id, created);
        return sendScim(res, 201, created);
      }
      const id = decodeURIComponent(/^\/scim\/v2\/Users\/([^/]+)$/.exec(url.pathname)?.[1] ?? '');
      const held = users.get(id);
      if (!held) return error(res, 404, 'no such user');
      if (req.method === 'GET') return sendScim(res, 200, held);
      if (req.method !== 'PUT') return error(res, 501, 'not supported');
      const sent = JSON.parse(text) as ScimResource;
      const stored: ScimResource = { ...sent, id };
      for (const k of q.putIgnores) {
        if (k in held) stored[k] = held[k];
        else delete stored[k];
      }
      for (const [k, v] of Object.entries(stored)) if (v === null) delete stored[k];
      users.set(id, stored);
      return sendScim(res, 200, stored);
    });
  });
  return { ...(await listenOnLoopback(server)), users, seen };
}

/** Servers for one test file, each with the real SCIM client on it (no retries, pages of 10). */
export function realServers(): { start(...args: Parameters<typeof startRealScim>): Promise<{ server: RealScim; scim: ScimClient }>; close(): Promise<void> } {
  const servers: RealScim[] = [];
  return {
    async start(...args) {
      const server = await startRealScim(...args);
      servers.push(server);
      return { server, scim: createScimClient({ scimUrl: server.url, token: secretFromValue('t'), pageSize: 10, requestTimeoutMs: 5000, maxRetries: 0 }) };
    },
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
