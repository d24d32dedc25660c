import type { Request, RequestHandler, Response } from 'express';
import { originOf, type SandboxContext } from './context';
import { createDpopVerifier, DpopError } from './dpop';
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

/** The WWW-Authenticate challenge of a refused access token or DPoP proof. */
function challenge(scheme: 'Bearer' | 'DPoP', error: string, description: string, extra = ''): string {
  return `${scheme} realm="IdP", error="${error}", error_description="${description}"${extra}`;
}

/** The path the client asked for, as it sent it (a DPoP proof's htu names it): no query, not normalised. */
function requestedPath(req: Request): string {
  const url = req.originalUrl;
  const q = url.indexOf('?');
  return q >= 0 ? url.slice(0, q) : url;
}

/**
 * /api/v1: `SSWS <api token>`, `Bearer <access token>` from the token endpoint, or for a
 * DPoP-bound token `DPoP <access token>` with a DPoP proof of the request signed by the key the
 * token is bound to (RFC 9449 §7), with the right scope.
 */
export function apiAuth(ctx: SandboxContext, configuredUrl?: () => string): RequestHandler {
  const dpop = createDpopVerifier(() => ctx.state.now());
  return (req, res, next) => {
    const { scheme, value } = parseAuthorization(req.headers.authorization);
    if (scheme === 'SSWS' && value === ctx.token) {
      next();
      return;
    }
    const kind = scheme.toLowerCase();
    if ((kind === 'bearer' || kind === 'dpop') && value !== '') {
      const challengeScheme = kind === 'dpop' ? 'DPoP' : 'Bearer';
      const token = ctx.state.serviceApps.lookup(value);
      if (!token) {
        res.setHeader('WWW-Authenticate', challenge(challengeScheme, 'invalid_token', 'The access token is invalid.'));
        throw invalidToken();
      }
      if (kind === 'bearer' && token.jkt !== undefined) {
        // A DPoP-bound token used as a bearer token: whoever holds it without the key gets nowhere.
        res.setHeader('WWW-Authenticate', challenge('DPoP', 'invalid_token', 'The access token is DPoP-bound: it needs the DPoP scheme and a DPoP proof.'));
        throw invalidToken();
      }
      if (kind === 'dpop') {
        if (token.jkt === undefined) {
          res.setHeader('WWW-Authenticate', challenge('DPoP', 'invalid_token', 'The access token is not DPoP-bound.'));
          throw invalidToken();
        }
        const path = requestedPath(req);
        const origins = [originOf(req), ...(configuredUrl ? [configuredUrl()] : [])];
        let jkt: string;
        try {
          jkt = dpop.verify(req.headers.dpop, { method: req.method, urls: origins.map((origin) => `${origin}${path}`), accessToken: value });
        } catch (err) {
          if (!(err instanceof DpopError)) throw err;
          res.setHeader('WWW-Authenticate', challenge('DPoP', 'invalid_dpop_proof', err.message));
          throw invalidToken();
        }
        if (jkt !== token.jkt) {
          res.setHeader('WWW-Authenticate', challenge('DPoP', 'invalid_token', 'The DPoP proof key does not match the key the access token is bound to.'));
          throw invalidToken();
        }
      }
      const needed = SCOPE_FOR[bucketOfRes(res)];
      if (needed && !token.scopes.includes(needed) && !token.scopes.includes(needed.replace(/\.read$/, '.manage'))) {
        const description = 'The access token provided does not contain the required scopes.';
        res.setHeader('WWW-Authenticate', challenge(challengeScheme, 'insufficient_scope', description, `, scope="${needed}"`));
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
