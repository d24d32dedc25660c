import type { RequestHandler, Response } from 'express';
import type { SandboxContext } from './context';
import { forbidden, invalidToken } from './errors';
import type { Bucket } from './rate-limit';

/** The read scope an OAuth access token needs per bucket (the matching .manage scope also does). */
const SCOPE_FOR: Partial<Record<Bucket, string>> = {
  users: 'okta.users.read',
  groups: 'okta.groups.read',
  apps: 'okta.apps.read',
  logs: 'okta.logs.read',
};

function parseAuthorization(header: string | undefined): { scheme: string; value: string } {
  const text = (header ?? '').trim();
  const space = text.indexOf(' ');
  if (space < 0) return { scheme: text, value: '' };
  return { scheme: text.slice(0, space), value: text.slice(space + 1).trim() };
}

const bucketOfRes = (res: Response): Bucket => {
  const bucket: unknown = res.locals.bucket;
  return typeof bucket === 'string' ? (bucket as Bucket) : 'other';
};

/** /api/v1: `SSWS <api token>` or `Bearer <access token>` from the token endpoint, with the right scope. */
export function apiAuth(ctx: SandboxContext): RequestHandler {
  return (req, res, next) => {
    const { scheme, value } = parseAuthorization(req.headers.authorization);
    if (scheme === 'SSWS' && value === ctx.token) {
      next();
      return;
    }
    if (scheme.toLowerCase() === 'bearer' && value !== '') {
      const token = ctx.state.serviceApps.lookup(value);
      if (!token) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="IdP", error="invalid_token", error_description="The access token is invalid."');
        throw invalidToken();
      }
      const needed = SCOPE_FOR[bucketOfRes(res)];
      if (needed && !token.scopes.includes(needed) && !token.scopes.includes(needed.replace(/\.read$/, '.manage'))) {
        res.setHeader('WWW-Authenticate', `Bearer realm="IdP", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", scope="${needed}"`);
        throw forbidden();
      }
      next();
      return;
    }
    throw invalidToken();
  };
}

/** /_sandbox: the SSWS api token only. */
export function sandboxAuth(ctx: SandboxContext): RequestHandler {
  return (req, _res, next) => {
    const { scheme, value } = parseAuthorization(req.headers.authorization);
    if (scheme !== 'SSWS' || value !== ctx.token) throw invalidToken();
    next();
  };
}
