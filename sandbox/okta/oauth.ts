import express, { Router, type Response } from 'express';
import { originOf, type SandboxContext } from './context';
import { createDpopVerifier, DpopError } from './dpop';
import { rateLimited, serverError } from './errors';
import { AssertionError, decodeJwt, verifySignature } from './jwt-verify';
import type { RateLimitStatus } from './rate-limit';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_ASSERTION_LIFETIME_S = 3600;

function oauthError(res: Response, status: number, error: string, description: string): void {
  res.status(status).json({ error, error_description: description });
}

const field = (body: unknown, name: string): string | undefined => {
  if (body === null || typeof body !== 'object') return undefined;
  const value: unknown = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
};

/** Verifies a private_key_jwt client assertion the way Okta's org authorization server does; returns the client id. */
function authenticateClient(ctx: SandboxContext, assertion: string, audiences: string[], formClientId: string | undefined): string {
  const jwt = decodeJwt(assertion);
  const { iss, sub, aud, exp, iat, jti } = jwt.payload;
  if (typeof iss !== 'string' || iss !== sub) throw new AssertionError("The client_assertion token's 'iss' and 'sub' claims must be the client_id.");
  if (formClientId !== undefined && formClientId !== iss) throw new AssertionError("The 'client_id' parameter does not match the client_assertion.");
  const app = ctx.state.serviceApps.get(iss);
  if (!app) throw new AssertionError('Invalid value for \'client_id\' parameter.');
  const audList = Array.isArray(aud) ? aud : [aud];
  if (!audList.some((a) => typeof a === 'string' && audiences.includes(a))) {
    throw new AssertionError("The audience claim for client_assertion must be the endpoint invoked for the request.");
  }
  const now = Math.floor(ctx.state.now() / 1000);
  if (typeof exp !== 'number') throw new AssertionError("The client_assertion token must have an 'exp' claim.");
  if (exp <= now) throw new AssertionError('The client_assertion token is expired.');
  const issued = typeof iat === 'number' ? iat : now;
  if (exp - issued > MAX_ASSERTION_LIFETIME_S) throw new AssertionError('The client_assertion token has an expiration too far in the future.');
  if (typeof jti !== 'string' || jti === '') throw new AssertionError("The client_assertion token must have a 'jti' claim.");
  const kid = typeof jwt.header.kid === 'string' ? jwt.header.kid : undefined;
  const active = app.keys.filter((k) => k.status === 'ACTIVE');
  // An app with several keys (mid-rotation) needs the kid to pick one.
  if (kid === undefined && active.length > 1) throw new AssertionError('The client_assertion JWT kid is invalid.');
  const keys = active.filter((k) => kid === undefined || k.kid === null || k.kid === kid).map((k) => k.key);
  if (keys.length === 0) throw new AssertionError(`The client_assertion key id ${kid ?? ''} is not registered for the client.`);
  if (!verifySignature(jwt, keys)) throw new AssertionError('The client_assertion signature is invalid.');
  if (!ctx.state.serviceApps.useJti(iss, jti, exp * 1000)) throw new AssertionError('The client_assertion token has already been used.');
  return iss;
}

/** The token endpoint's own faults: a 429 of its rate limit (with the reset a second ahead) or a 5xx. */
function tokenFault(ctx: SandboxContext, res: Response): void {
  const fault = ctx.faults.decideToken();
  if (fault.kind === 'rateLimit') {
    const rate = res.locals.rate as RateLimitStatus;
    res.setHeader('X-Rate-Limit-Limit', String(rate.limit));
    res.setHeader('X-Rate-Limit-Remaining', '0');
    res.setHeader('X-Rate-Limit-Reset', String(Math.floor(Date.now() / 1000) + 1));
    throw rateLimited();
  }
  if (fault.kind === 'serverError') throw serverError(fault.status);
}

/**
 * POST /oauth2/v1/token: client_credentials with a private_key_jwt client assertion (what the
 * SDK's PrivateKey mode sends). For an app that requires DPoP (RFC 9449), a token request needs a
 * valid DPoP proof that carries a nonce this endpoint handed out with a `use_dpop_nonce` answer;
 * the token issued is then bound to the proof's key.
 */
export function oauthRouter(ctx: SandboxContext, configuredUrl: () => string): Router {
  const router = Router();
  const dpop = createDpopVerifier(() => ctx.state.now());
  router.post('/oauth2/v1/token', express.urlencoded({ extended: false }), (req, res) => {
    res.setHeader('Cache-Control', 'no-cache, no-store');
    res.setHeader('Pragma', 'no-cache');
    tokenFault(ctx, res);
    const body: unknown = req.body;
    const grantType = field(body, 'grant_type');
    const assertionType = field(body, 'client_assertion_type');
    const assertion = field(body, 'client_assertion');
    if (grantType === undefined) return oauthError(res, 400, 'invalid_request', "The 'grant_type' parameter is required.");
    if (grantType !== 'client_credentials') {
      return oauthError(res, 400, 'unsupported_grant_type', `The authorization grant type '${grantType}' is not supported.`);
    }
    if (assertionType !== JWT_BEARER || assertion === undefined) {
      return oauthError(res, 401, 'invalid_client', 'Client authentication failed: a private_key_jwt client_assertion is required.');
    }
    let clientId: string;
    const endpoints = [`${configuredUrl()}/oauth2/v1/token`, `${originOf(req)}/oauth2/v1/token`];
    try {
      clientId = authenticateClient(ctx, assertion, endpoints, field(body, 'client_id'));
    } catch (err) {
      if (err instanceof AssertionError) return oauthError(res, 401, 'invalid_client', err.message);
      throw err;
    }
    let jkt: string | undefined;
    if (ctx.state.serviceApps.get(clientId)?.dpopBoundAccessTokens) {
      try {
        jkt = dpop.verify(req.headers.dpop, { method: req.method, urls: endpoints, nonce: true });
      } catch (err) {
        if (!(err instanceof DpopError)) throw err;
        if (err.error === 'use_dpop_nonce') res.setHeader('DPoP-Nonce', dpop.issueNonce());
        return oauthError(res, 400, err.error, err.message);
      }
    }
    const requested = (field(body, 'scope') ?? '').split(/\s+/).filter(Boolean);
    if (requested.length === 0) {
      return oauthError(res, 400, 'invalid_scope', "The authorization server resource does not have any configured default scopes, 'scope' must be provided.");
    }
    const granted = ctx.state.serviceApps.get(clientId)?.scopes ?? new Set<string>();
    const refused = requested.filter((s) => !granted.has(s));
    if (refused.length > 0) return oauthError(res, 400, 'invalid_scope', `The following scopes are not allowed: ${refused.join(', ')}`);
    const token = ctx.state.serviceApps.issue(clientId, requested, jkt);
    res.status(200).json({
      token_type: jkt !== undefined ? 'DPoP' : 'Bearer',
      expires_in: token.lifetimeSeconds,
      access_token: token.token,
      scope: requested.join(' '),
    });
  });
  return router;
}
