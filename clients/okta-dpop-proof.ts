import { randomUUID, sign } from 'node:crypto';
import { privateKeyObject } from '../config/private-key';

// The DPoP proof (RFC 9449) the SDK puts on a request, read and signed again here: the SDK signs
// it before our executor waits for a rate-limit window, and a server checks its `iat` on arrival.

type Headers = Record<string, unknown>;

/** The request's DPoP header (any case) and the proof it holds; undefined when it carries none. */
function proofOf(headers: Headers | undefined): { name: string; proof: string } | undefined {
  const name = headers === undefined ? undefined : Object.keys(headers).find((n) => n.toLowerCase() === 'dpop');
  const proof = name === undefined ? undefined : headers?.[name];
  return name !== undefined && typeof proof === 'string' ? { name, proof } : undefined;
}

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
  const found = proofOf(headers);
  return found === undefined ? undefined : decodePart(found.proof.split('.')[1]);
}

const encodePart = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * Signs the request's DPoP proof again with a new `iat` and `jti`, its other claims (method, URL,
 * token hash, nonce) and its header kept; with the service app's key (a private JWK as the SDK
 * signs with, or a PEM). Nothing changes for a request without a proof, or one signed otherwise than RS256.
 */
export function refreshDpopProof(headers: Headers | undefined, privateKey: string, nowMs: number = Date.now()): void {
  const found = proofOf(headers);
  if (headers === undefined || found === undefined) return;
  const [rawHeader, rawClaims] = found.proof.split('.');
  const header = decodePart(rawHeader);
  const claims = decodePart(rawClaims);
  const key = privateKeyObject(privateKey);
  if (header === undefined || claims === undefined || header.alg !== 'RS256' || key === undefined) return;
  const signingInput = `${encodePart(header)}.${encodePart({ ...claims, iat: Math.floor(nowMs / 1000), jti: randomUUID() })}`;
  headers[found.name] = `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
}
