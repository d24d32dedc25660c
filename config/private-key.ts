import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';

export type PrivateKeyResult = { ok: true; jwk: string } | { ok: false; problem: string };

/**
 * A PEM as an environment file or a secret store often holds it: on one line, its line breaks
 * written as `\n` (or `\r\n`). A JWK never has a line break to write so.
 */
const unescapePem = (pem: string): string => (pem.startsWith('-----BEGIN') && !pem.includes('\n') ? pem.replace(/\\r\\n|\\n/g, '\n') : pem);

/** OKTA_PRIVATE_KEY's text (a PEM, one-line PEM or private JWK) as a key; undefined when it is none. */
export const privateKeyObject = (text: string): KeyObject | undefined => readKey(text)?.key;

function readKey(text: string): { key: KeyObject; given?: JsonWebKey } | undefined {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('{')) {
      const given = JSON.parse(trimmed) as JsonWebKey;
      return { key: createPrivateKey({ key: given, format: 'jwk' }), given };
    }
    return { key: createPrivateKey(unescapePem(trimmed)) };
  } catch {
    return undefined;
  }
}

/**
 * Reads OKTA_PRIVATE_KEY (an RSA private key as PEM, PKCS#1 or PKCS#8, or as a JWK) and gives
 * it as the JWK string the Okta SDK signs its client assertions with, with the key id and
 * algorithm set. A string, because the SDK's config loader would JSON-stringify an object anyway;
 * a JWK, because the SDK's PEM reader knows fewer PEM flavours than Node does. Problems never
 * quote the key.
 */
export function sdkPrivateKey(text: string, keyId?: string): PrivateKeyResult {
  const read = readKey(text);
  if (!read) return { ok: false, problem: 'is neither a PEM private key nor a private JWK' };
  const type = read.key.asymmetricKeyType;
  // The SDK 8.1 also signs a DPoP proof with every token request, always as RS256: an EC key fails there.
  if (type !== 'rsa') return { ok: false, problem: `is ${type === 'ec' ? 'an EC' : `a ${type ?? 'unknown'}`} key; the Okta SDK signs with RSA keys only` };
  const jwk = read.key.export({ format: 'jwk' });
  const givenAlg: unknown = read.given?.alg;
  const givenKid: unknown = read.given?.kid;
  const alg = typeof givenAlg === 'string' && /^RS(256|384|512)$/.test(givenAlg) ? givenAlg : 'RS256';
  const kid = keyId ?? (typeof givenKid === 'string' ? givenKid : undefined);
  return { ok: true, jwk: JSON.stringify({ ...jwk, alg, ...(kid !== undefined ? { kid } : {}) }) };
}
