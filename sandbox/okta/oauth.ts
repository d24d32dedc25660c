import express, { Router, type Response } from 'express';
import { originOf, type SandboxContext } from './context';
import { AssertionError, decodeJwt, verifySignature } from './jwt-verify';
import { ACCESS_TOKEN_TTL_SECONDS } from './service-apps';

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

/** POST /oauth2/v1/token: client_credentials with a private_key_jwt client assertion (what the SDK's PrivateKey mode sends). */
export function oauthRouter(ctx: SandboxContext, configuredUrl: () => string): Router {
  const router = Router();
  router.post('/oauth2/v1/token', express.urlencoded({ extended: false }), (req, res) => {
    res.setHeader('Cache-Control', 'no-cache, no-store');
    res.setHeader('Pragma', 'no-cache');
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
    try {
      const audiences = [`${configuredUrl()}/oauth2/v1/token`, `${originOf(req)}/oauth2/v1/token`];
      clientId = authenticateClient(ctx, assertion, audiences, field(body, 'client_id'));
    } catch (err) {
      if (err instanceof AssertionError) return oauthError(res, 401, 'invalid_client', err.message);
      throw err;
    }
    const requested = (field(body, 'scope') ?? '').split(/\s+/).filter(Boolean);
    if (requested.length === 0) {
      return oauthError(res, 400, 'invalid_scope', "The authorization server resource does not have any configured default scopes, 'scope' must be provided.");
    }
    const granted = ctx.state.serviceApps.get(clientId)?.scopes ?? new Set<string>();
    const refused = requested.filter((s) => !granted.has(s));
    if (refused.length > 0) return oauthError(res, 400, 'invalid_scope', `The following scopes are not allowed: ${refused.join(', ')}`);
    const token = ctx.state.serviceApps.issue(clientId, requested);
    res.status(200).json({
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      access_token: token.token,
      scope: requested.join(' '),
    });
  });
  return router;
}
