import { createHash, createPublicKey, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { AssertionError, decodeJwt, verifySignature, type DecodedJwt } from './jwt-verify';

/** How long a nonce handed out by the token endpoint is taken. */
export const DPOP_NONCE_TTL_MS = 10 * 60_000;
/** How far a proof's iat may lie from the server's clock, either way. */
const IAT_LEEWAY_S = 300;
const PROOF_NAME = 'DPoP proof JWT';

/** `use_dpop_nonce` asks for a proof with a fresh nonce (RFC 9449 §8); `invalid_dpop_proof` refuses the proof. */
export class DpopError extends Error {
  constructor(
    readonly error: 'invalid_dpop_proof' | 'use_dpop_nonce',
    message: string,
  ) {
    super(message);
    this.name = 'DpopError';
  }
}

const invalidProof = (message: string): DpopError => new DpopError('invalid_dpop_proof', message);
const invalidClaim = (claim: string): DpopError => invalidProof(`'${claim}' claim in the ${PROOF_NAME} is invalid.`);

/** The JWK SHA-256 thumbprint (RFC 7638): what a DPoP-bound access token is bound to (its cnf.jkt). */
export function jwkThumbprint(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  const members = key.asymmetricKeyType === 'ec' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** The `ath` a proof sent with an access token must carry (RFC 9449 §4.2). */
export const accessTokenHash = (accessToken: string): string => createHash('sha256').update(accessToken, 'ascii').digest('base64url');

/** What RFC 9449 §4.3 compares of an htu: the URL without query and fragment, normalised (host case, default port, %-escapes). */
function comparableUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase())}`;
  } catch {
    return undefined;
  }
}

export type ProofCheck = {
  method: string;
  /** The URL of the request under each name the client may have used for the server, query left off. */
  urls: readonly string[];
  /** A request to a resource: the access token it carries, whose hash `ath` must be. */
  accessToken?: string;
  /** A token request: the proof must carry a nonce this server handed out. */
  nonce?: boolean;
};

export type DpopVerifier = {
  /** A fresh nonce for a DPoP-Nonce header. */
  issueNonce(): string;
  /** Checks the DPoP header of a request (RFC 9449 §4.3) and answers the thumbprint of the proof's key. */
  verify(header: string | string[] | undefined, check: ProofCheck): string;
};

function publicKeyOf(jwk: unknown): KeyObject {
  if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) throw invalidProof(`The ${PROOF_NAME} 'jwk' header is missing.`);
  if ('d' in jwk) throw invalidProof(`The ${PROOF_NAME} 'jwk' header holds a private key.`);
  try {
    return createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    throw invalidProof(`The ${PROOF_NAME} 'jwk' header is not a valid public key.`);
  }
}

export function createDpopVerifier(now: () => number): DpopVerifier {
  const nonces = new Map<string, number>();
  const jtis = new Map<string, number>();
  const forget = (seen: Map<string, number>, t: number): void => {
    for (const [key, until] of seen) if (until < t) seen.delete(key);
  };

  return {
    issueNonce() {
      const nonce = randomBytes(24).toString('base64url');
      nonces.set(nonce, now() + DPOP_NONCE_TTL_MS);
      return nonce;
    },
    verify(header, check) {
      if (header === undefined || header === '') throw invalidProof(`The ${PROOF_NAME} header is missing.`);
      // Node joins repeated headers with ", ": a JWT has neither, so two DPoP headers fail here.
      if (Array.isArray(header) || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(header)) throw invalidProof(`The ${PROOF_NAME} is not a valid JWT.`);
      let jwt: DecodedJwt;
      try {
        jwt = decodeJwt(header, PROOF_NAME);
      } catch (err) {
        if (err instanceof AssertionError) throw invalidProof(err.message);
        throw err;
      }
      const { header: head, payload } = jwt;
      if (head.typ !== 'dpop+jwt') throw invalidProof(`The ${PROOF_NAME} 'typ' header must be 'dpop+jwt'.`);
      const key = publicKeyOf(head.jwk);
      let signed: boolean;
      try {
        signed = verifySignature(jwt, [key], PROOF_NAME);
      } catch (err) {
        if (err instanceof AssertionError) throw invalidProof(err.message);
        throw err;
      }
      if (!signed) throw invalidProof(`The ${PROOF_NAME} signature is invalid.`);
      if (payload.htm !== check.method) throw invalidClaim('htm');
      const htu = typeof payload.htu === 'string' ? comparableUrl(payload.htu) : undefined;
      if (htu === undefined || !check.urls.some((url) => comparableUrl(url) === htu)) throw invalidClaim('htu');
      const t = now();
      const iat = payload.iat;
      if (typeof iat !== 'number' || Math.abs(iat - t / 1000) > IAT_LEEWAY_S) throw invalidClaim('iat');
      if (check.accessToken !== undefined && payload.ath !== accessTokenHash(check.accessToken)) throw invalidClaim('ath');
      if (check.nonce) {
        forget(nonces, t);
        const nonce = payload.nonce;
        if (typeof nonce !== 'string' || !nonces.has(nonce)) throw new DpopError('use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.');
      }
      const jkt = jwkThumbprint(key);
      if (typeof payload.jti !== 'string' || payload.jti === '') throw invalidClaim('jti');
      forget(jtis, t);
      const seen = `${jkt}\u0000${payload.jti}`;
      if (jtis.has(seen)) throw invalidProof(`The ${PROOF_NAME} has already been used.`);
      jtis.set(seen, (iat + IAT_LEEWAY_S) * 1000);
      return jkt;
    },
  };
}
