import { createPrivateKey, randomUUID, sign, type JsonWebKey } from 'node:crypto';

// The DPoP proof (RFC 9449) the SDK puts on a request, read and signed again here: the SDK signs
// it before our executor waits for a rate-limit window, and a server checks its `iat` on arrival.

type Headers = Record<string, unknown>;

const proofHeaderName = (headers: Headers): string | undefined => Object.keys(headers).find((name) => name.toLowerCase() === 'dpop');

const decodePart = (part: string | undefined): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** The claims of the DPoP proof a request carries; undefined when it carries none. */
export function dpopClaimsOf(headers: Headers | undefined): Record<string, unknown> | undefined {
  const name = headers === undefined ? undefined : proofHeaderName(headers);
  const proof = name === undefined ? undefined : headers?.[name];
  return typeof proof === 'string' ? decodePart(proof.split('.')[1]) : undefined;
}

const encodePart = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * Signs the request's DPoP proof again with a new `iat` and `jti`, its other claims (method, URL,
 * token hash, nonce) and its header kept; with the service app's key (a private JWK as the SDK
 * signs with, or a PEM). Nothing changes for a request without a proof, or one signed otherwise than RS256.
 */
export function refreshDpopProof(headers: Headers | undefined, privateJwk: string, nowMs: number = Date.now()): void {
  const name = headers === undefined ? undefined : proofHeaderName(headers);
  const proof = name === undefined ? undefined : headers?.[name];
  if (headers === undefined || name === undefined || typeof proof !== 'string') return;
  const [rawHeader, rawClaims] = proof.split('.');
  const header = decodePart(rawHeader);
  const claims = decodePart(rawClaims);
  if (header === undefined || claims === undefined || header.alg !== 'RS256') return;
  const signingInput = `${encodePart(header)}.${encodePart({ ...claims, iat: Math.floor(nowMs / 1000), jti: randomUUID() })}`;
  const key = privateJwk.trim().startsWith('{') ? createPrivateKey({ key: JSON.parse(privateJwk) as JsonWebKey, format: 'jwk' }) : createPrivateKey(privateJwk);
  headers[name] = `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
}
