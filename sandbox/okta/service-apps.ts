import { createPublicKey, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { notFound, OktaHttpError, validationFailed } from './errors';

export type ServiceAppInput = {
  clientId: string;
  /** A public (or private: only its public half is kept) JWK. */
  jwk?: JsonWebKey;
  /** A PEM public (or private) key, RSA or EC. */
  pem?: string;
  /** Key id; defaults to the JWK's kid. */
  kid?: string;
  /** The okta.* scopes granted to the app. */
  scopes: string[];
  /**
   * Okta's "Require Demonstrating Proof of Possession (DPoP) header in token requests" (the
   * default for API service apps created since 2024): token requests need a DPoP proof with a
   * nonce from the server, and the tokens issued are DPoP-bound. Default off.
   */
  dpopBoundAccessTokens?: boolean;
  /** How long the app's access tokens last, in seconds (Okta's org authorization server: one hour). */
  accessTokenLifetimeSeconds?: number;
};

/** Only an ACTIVE key authenticates the app; Okta deactivates a key before it deletes it. */
export type ServiceAppKey = { kid: string | null; key: KeyObject; status: 'ACTIVE' | 'INACTIVE' };
export type ServiceApp = { clientId: string; keys: ServiceAppKey[]; scopes: ReadonlySet<string>; dpopBoundAccessTokens: boolean; accessTokenLifetimeSeconds: number };
/** `jkt`: the thumbprint of the DPoP key a DPoP-bound token is bound to (RFC 9449 §6). */
export type AccessToken = { token: string; clientId: string; scopes: string[]; expiresAt: number; lifetimeSeconds: number; jkt?: string };

export const ACCESS_TOKEN_TTL_SECONDS = 3600;

/** OAuth 2.0 service apps (client credentials with private_key_jwt) and the access tokens they hold. */
export type ServiceApps = {
  register(input: ServiceAppInput): ServiceApp;
  get(clientId: string): ServiceApp | undefined;
  /** Records a client assertion's jti; false when it was already used (replay). */
  useJti(clientId: string, jti: string, expiresAt: number): boolean;
  issue(clientId: string, scopes: string[], jkt?: string): AccessToken;
  lookup(token: string): AccessToken | undefined;
  /** Makes every issued token invalid, as if they had expired. */
  revokeAll(): void;
  /** As Okta: refused (400) for the app's only active key. Tokens already issued stay valid. */
  deactivateKey(clientId: string, kid: string): void;
  /** As Okta: refused (400) for an active key. */
  deleteKey(clientId: string, kid: string): void;
};

const jwkRefused = (cause: string): OktaHttpError => new OktaHttpError(400, 'E0000001', 'Api validation failed: JsonWebKey', [cause]);

export function createServiceApps(now: () => number): ServiceApps {
  const apps = new Map<string, ServiceApp>();
  const tokens = new Map<string, AccessToken>();
  const jtis = new Map<string, number>();
  const keyOf = (clientId: string, kid: string): { app: ServiceApp; key: ServiceAppKey } => {
    const app = apps.get(clientId);
    const key = app?.keys.find((k) => k.kid === kid);
    if (!app || !key) throw notFound(kid, 'JsonWebKey');
    return { app, key };
  };
  return {
    register(input) {
      if (!input.jwk && !input.pem) throw validationFailed('jwk', 'A JWK or a PEM key is required');
      const key = input.jwk ? createPublicKey({ key: input.jwk, format: 'jwk' }) : createPublicKey(input.pem ?? '');
      const jwkKid = input.jwk && typeof input.jwk.kid === 'string' ? input.jwk.kid : undefined;
      const kid = input.kid ?? jwkKid ?? null;
      const existing = apps.get(input.clientId);
      const keys = [...(existing?.keys ?? []).filter((k) => k.kid !== kid), { kid, key, status: 'ACTIVE' as const }];
      const dpopBoundAccessTokens = input.dpopBoundAccessTokens ?? existing?.dpopBoundAccessTokens ?? false;
      const accessTokenLifetimeSeconds = input.accessTokenLifetimeSeconds ?? existing?.accessTokenLifetimeSeconds ?? ACCESS_TOKEN_TTL_SECONDS;
      const app: ServiceApp = { clientId: input.clientId, keys, scopes: new Set(input.scopes), dpopBoundAccessTokens, accessTokenLifetimeSeconds };
      apps.set(input.clientId, app);
      return app;
    },
    get: (clientId) => apps.get(clientId),
    useJti(clientId, jti, expiresAt) {
      const t = now();
      for (const [k, exp] of jtis) if (exp < t) jtis.delete(k);
      const key = `${clientId}\u0000${jti}`;
      if (jtis.has(key)) return false;
      jtis.set(key, expiresAt);
      return true;
    },
    issue(clientId, scopes, jkt) {
      const lifetimeSeconds = apps.get(clientId)?.accessTokenLifetimeSeconds ?? ACCESS_TOKEN_TTL_SECONDS;
      const token: AccessToken = {
        token: randomBytes(32).toString('base64url'),
        clientId,
        scopes,
        expiresAt: now() + lifetimeSeconds * 1000,
        lifetimeSeconds,
        ...(jkt !== undefined ? { jkt } : {}),
      };
      tokens.set(token.token, token);
      return token;
    },
    lookup(token) {
      const found = tokens.get(token);
      if (!found) return undefined;
      if (found.expiresAt <= now()) {
        tokens.delete(token);
        return undefined;
      }
      return found;
    },
    revokeAll: () => tokens.clear(),
    deactivateKey(clientId, kid) {
      const { app, key } = keyOf(clientId, kid);
      if (key.status === 'ACTIVE' && app.keys.filter((k) => k.status === 'ACTIVE').length === 1) {
        throw jwkRefused("Can't deactivate the only active JSON Web Key when the value for `token_endpoint_auth_method` is `private_key_jwt`.");
      }
      key.status = 'INACTIVE';
    },
    deleteKey(clientId, kid) {
      const { app, key } = keyOf(clientId, kid);
      if (key.status === 'ACTIVE') throw jwkRefused("You can't delete an active JSON Web key. Deactivate the key before deleting it.");
      apps.set(clientId, { ...app, keys: app.keys.filter((k) => k !== key) });
    },
  };
}
