import { verify, type KeyObject } from 'node:crypto';

export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

const HASHES: Record<string, { hash: string; keyType: 'rsa' | 'ec' }> = {
  RS256: { hash: 'sha256', keyType: 'rsa' },
  RS384: { hash: 'sha384', keyType: 'rsa' },
  RS512: { hash: 'sha512', keyType: 'rsa' },
  ES256: { hash: 'sha256', keyType: 'ec' },
  ES384: { hash: 'sha384', keyType: 'ec' },
  ES512: { hash: 'sha512', keyType: 'ec' },
};

export type DecodedJwt = { header: Record<string, unknown>; payload: Record<string, unknown>; signingInput: string; signature: Buffer };

function decodePart(part: string, what: string, name: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new AssertionError(`The ${name} ${what} is not valid JSON.`);
}

/** `name` is what the JWT is called in error messages (a client_assertion, a DPoP proof JWT). */
export function decodeJwt(token: string, name = 'client_assertion'): DecodedJwt {
  const parts = token.split('.');
  const [h, p, s] = parts;
  if (parts.length !== 3 || h === undefined || p === undefined || s === undefined) {
    throw new AssertionError(`The ${name} is not a valid JWT.`);
  }
  return { header: decodePart(h, 'header', name), payload: decodePart(p, 'payload', name), signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

/** Checks the signature against candidate keys (node:crypto only); true when one of them verifies it. */
export function verifySignature(jwt: DecodedJwt, keys: readonly KeyObject[], name = 'client_assertion'): boolean {
  const alg = typeof jwt.header.alg === 'string' ? jwt.header.alg : '';
  const spec = HASHES[alg];
  if (!spec) throw new AssertionError(`The ${name} signature algorithm ${alg || '(none)'} is not supported.`);
  return keys.some((key) => {
    if (key.asymmetricKeyType !== spec.keyType) return false;
    const keyInput = spec.keyType === 'ec' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
    return verify(spec.hash, Buffer.from(jwt.signingInput), keyInput, jwt.signature);
  });
}
