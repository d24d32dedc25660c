// A WFM built on SCIMMY and SCIMMY Routers (an independent RFC 7643/7644 implementation), in-process:
// users in memory behind SCIMMY's User resource with the enterprise extension, bearer auth, and 409
// uniqueness on a taken userName (ignoring case). SCIMMY itself filters (Filter.match), pages (its
// ListResponse reads startIndex and count), coerces attributes and writes the error bodies.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express5 from 'express';
import express4 from 'express4';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

export type ScimmyOptions = {
  /**
   * The Express the routers are mounted on. On 4 (as SCIMMY Routers is built for) they page; on 5
   * (the express `npm i express` installs) their cast of startIndex and count on `req.query` is lost,
   * as Express 5 parses the query again on every read: every page is the first 20 users
   * (scimmy-routers issue #36). Either way the routers' own Router and JSON parser are the
   * product's Express 5, the one their require('express') finds: #36 turns on the app's req.query.
   */
  express: 4 | 5;
  /** The egress pages in its store, as SCIMMY's docs show: SCIMMY then announces the page's own count as totalResults (scimmy issues #64, #85). */
  storePaging?: boolean;
};

type Stored = { id: string; userName: string; meta: { created: string; lastModified: string } } & Record<string, unknown>;
type Context = { users: Map<string, Stored>; storePaging: boolean };

export type ScimmyServer = {
  url: string;
  token: string;
  users: Map<string, Stored>;
  /** Every request answered: `METHOD /scim/v2/... status`. */
  seen: string[];
  close(): Promise<void>;
};

// SCIMMY.Types.Error at run time; its typings name the class SCIMError only.
const ScimError = (SCIMMY.Types as unknown as { Error: typeof SCIMMY.Types.SCIMError }).Error;
const notFound = (id: string) => new ScimError(404, '', `Resource ${id} not found`);
// Copied by JSON: SCIMMY asks `instanceof Object`, which a structuredClone made outside Jest's realm fails.
const copy = (u: Stored): Stored => JSON.parse(JSON.stringify(u)) as Stored;

// SCIMMY's resources are process-wide: declared once, the store of each server comes as the context.
let declared = false;
function declareUsers(): void {
  if (declared) return;
  declared = true;
  const User = SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false);
  User.egress((resource, ctx?: Context) => {
    const { users, storePaging } = ctx as Context;
    const all = [...users.values()].map(copy);
    if (resource.id !== undefined) {
      const found = all.find((u) => u.id === resource.id);
      if (!found) throw notFound(resource.id);
      return found;
    }
    const matched = (resource.filter ? resource.filter.match(all) : all) as Stored[];
    if (!storePaging) return matched;
    const { startIndex = 1, count = 20 } = resource.constraints ?? {};
    return matched.slice(startIndex - 1, startIndex - 1 + count);
  });
  User.ingress((resource, instance, ctx?: Context) => {
    const { users } = ctx as Context;
    const data = JSON.parse(JSON.stringify(instance)) as Stored;
    const userName = String(data.userName).toLowerCase();
    if ([...users.values()].some((u) => u.id !== resource.id && u.userName.toLowerCase() === userName)) {
      throw new ScimError(409, 'uniqueness', `userName ${data.userName} is not unique`);
    }
    const now = new Date().toISOString();
    const old = resource.id === undefined ? undefined : users.get(resource.id);
    if (resource.id !== undefined && !old) throw notFound(resource.id);
    const id = old?.id ?? randomUUID();
    const next: Stored = { ...data, id, meta: { created: old?.meta.created ?? now, lastModified: now } };
    users.set(id, next);
    return copy(next);
  });
  User.degress((resource, ctx?: Context) => {
    if (!(ctx as Context).users.delete(String(resource.id))) throw notFound(String(resource.id));
  });
  SCIMMY.Resources.declare(User);
}

/** Starts a SCIMMY WFM, empty, on a free loopback port. */
export async function startScimmyServer(opts: ScimmyOptions): Promise<ScimmyServer> {
  declareUsers();
  const token = `scimmy-${randomUUID()}`;
  const context: Context = { users: new Map(), storePaging: opts.storePaging ?? false };
  const seen: string[] = [];
  const app = opts.express === 4 ? express4() : express5();
  app.use('/scim/v2', (req, res, next) => {
    res.on('finish', () => seen.push(`${req.method} ${req.originalUrl} ${res.statusCode}`));
    next();
  });
  const routers = new SCIMMYRouters({
    type: 'bearer',
    handler: (req) => {
      if (req.header('Authorization') !== `Bearer ${token}`) throw new Error('Bearer token missing or not valid');
      return 'okta-wfm-sync';
    },
    context: () => context,
  });
  app.use('/scim/v2', routers);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`,
    token,
    users: context.users,
    seen,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
