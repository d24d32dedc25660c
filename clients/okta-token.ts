import type { Client } from '@okta/okta-sdk-nodejs';
import type { OktaOAuth } from '../config/okta-auth';
import { sdkPrivateKey } from '../config/private-key';
import { rememberSecret } from '../config/redact';
import { SyncError } from './errors';

// The OAuth service app's access token as the SDK client holds it: signed with the key read when
// it is needed, renewed ahead of its expiry, requested once for the calls that wait for it.

/** The service app's key as the SDK signs with it (a JWK with its kid), read from OKTA_PRIVATE_KEY(_FILE) now. */
export function signingKey(oauth: OktaOAuth): string {
  const key = sdkPrivateKey(oauth.privateKey.reveal(), oauth.keyId);
  if (!key.ok) throw new SyncError(`OKTA_PRIVATE_KEY: ${key.problem}`, { kind: 'config', service: 'okta' });
  return key.jwk;
}

/** The most a token is renewed before it expires, and the share of its lifetime when that is shorter. */
const RENEW_AHEAD_MS = 60_000;
const RENEW_AHEAD_SHARE = 0.1;
/** After a renewal failed while the token held still works, how long before it is tried again. */
const RENEW_RETRY_MS = 5_000;

/** When a token answered with this `expires_in` (seconds, a number or numeric text) expires; undefined when it gives none. */
function expiresAt(expiresIn: unknown, obtainedAt: number): number | undefined {
  const seconds = typeof expiresIn === 'string' && expiresIn.trim() !== '' ? Number(expiresIn) : expiresIn;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  return obtainedAt + seconds * 1000;
}

/** When a token obtained at `obtainedAt` and expiring at `expiry` is renewed: a minute before, or a tenth of its lifetime when shorter. */
const renewAt = (obtainedAt: number, expiry: number): number => expiry - Math.min(RENEW_AHEAD_MS, (expiry - obtainedAt) * RENEW_AHEAD_SHARE);

type SdkToken = Awaited<ReturnType<Client['oauth']['getAccessToken']>>;

/** Whether a token answer says the token is DPoP-bound (`token_type` compares without case, RFC 6749 §5.1). */
const isDpopBound = (token: SdkToken): boolean => String((token as { token_type?: unknown } | undefined)?.token_type ?? '').toLowerCase() === 'dpop';

/**
 * The SDK signs its token request with `client.privateKey` whenever it holds no access token (the
 * first call, and again after Okta answers 401). The key is read just before, so a key rotated in
 * OKTA_PRIVATE_KEY_FILE signs the next token request without a restart; the token already held
 * stays in use until then. The SDK calls itself again with a DPoP nonce when Okta asks for one:
 * arguments are passed on.
 *
 * Two things the SDK does not do are done here. It keeps a token past its `expires_in`, so every
 * call in flight when it expires is answered 401 and renews a token of its own: the token is
 * renewed a minute before it expires (a tenth of its lifetime when shorter), and when that renewal
 * fails the token held is used on while it lasts (tried again after a few seconds). And calls that
 * find no token at once (the pull's first pages) each asked for one: they share one request.
 */
export function signWithCurrentKey(client: Client, oauth: OktaOAuth, now: () => number = Date.now): void {
  const sdkOAuth = client.oauth;
  const requestToken = sdkOAuth.getAccessToken.bind(sdkOAuth) as (...args: unknown[]) => Promise<SdkToken>;
  let held: { expiry: number; renewBy: number } | undefined;
  let pending: Promise<SdkToken> | undefined;
  const fresh = async (): Promise<SdkToken> => {
    client.privateKey = signingKey(oauth);
    const obtainedAt = now();
    const token = await requestToken();
    rememberSecret((token as { access_token?: string } | undefined)?.access_token);
    // A token bound to the proof's key (RFC 9449 §5: token_type DPoP) is presented as DPoP, with a
    // proof on every call, even when the server issued it without asking for a nonce first (the
    // SDK switches to DPoP only on a `use_dpop_nonce` answer, and would send it as Bearer).
    if (isDpopBound(token)) (sdkOAuth as unknown as { isDPoP: boolean }).isDPoP = true;
    const expiry = expiresAt((token as { expires_in?: unknown } | undefined)?.expires_in, obtainedAt);
    held = expiry === undefined ? undefined : { expiry, renewBy: renewAt(obtainedAt, expiry) };
    return token;
  };
  /** A new token ahead of the held one's expiry; the held one while it lasts if none comes. */
  const renew = async (): Promise<SdkToken> => {
    const old = sdkOAuth.accessToken as SdkToken | null;
    const oldHeld = held;
    sdkOAuth.clearCachedAccessToken();
    held = undefined;
    try {
      return await fresh();
    } catch (err) {
      if (old === null || oldHeld === undefined || now() >= oldHeld.expiry) throw err;
      sdkOAuth.accessToken = old;
      held = { expiry: oldHeld.expiry, renewBy: Math.min(now() + RENEW_RETRY_MS, oldHeld.expiry) };
      return old;
    }
  };
  const shared = (request: () => Promise<SdkToken>): Promise<SdkToken> =>
    (pending ??= request().finally(() => {
      pending = undefined;
    }));
  sdkOAuth.getAccessToken = async (...args: unknown[]) => {
    // The SDK's own call again with a DPoP nonce is part of the request in flight: passed on.
    if (args.length > 0) return requestToken(...args);
    if (pending) return pending;
    if (!sdkOAuth.accessToken) return shared(fresh);
    if (held !== undefined && now() >= held.renewBy) return shared(renew);
    return requestToken();
  };
}
