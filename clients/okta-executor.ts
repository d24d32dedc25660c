import { DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import type { Secret } from '../config/secret';
import { SyncError, kindForStatus, parseRetryAfter } from './errors';
import { bucketOf, type RateObservation } from './okta-pacer';
import type { Throttle } from './okta-throttle';
import { dpopClaimsOf, refreshDpopProof } from './okta-dpop-proof';

type SdkRequest = Parameters<DefaultRequestExecutor['fetch']>[0];
type SdkResponse = Awaited<ReturnType<DefaultRequestExecutor['fetch']>>;
type Answer = { status: number; headers: { get(name: string): string | null }; text(): Promise<string>; clone(): Answer };

/** What an answer said of its rate limit, and the endpoint family (bucket) it counts against. */
/** `serverDateMs`: the answer's Date header, for the source to tell how far Okta's clock is from ours. */
export type RateHeaders = { remaining?: number; limit?: number; bucket?: string; serverDateMs?: number };

export type OktaExecutorOptions = {
  orgUrl: string;
  requestTimeoutMs: number;
  throttle: Throttle;
  /** Told about every answer (for stats and metrics). */
  onResponse: (status: number, rate: RateHeaders) => void;
  /** SSWS mode: the token, read on every request so a rotated OKTA_API_TOKEN_FILE takes effect at once. */
  apiToken?: Secret;
  /** OAuth mode: the scopes the service app asks for, named when the token endpoint refuses it. */
  scopes?: readonly string[];
  /** OAuth mode: the key the SDK signs with (a private JWK), to sign a DPoP proof again after a wait. */
  signingKey?: () => string | undefined;
};

/** A request that waited this long for its turn has its DPoP proof signed again: its `iat` is checked on arrival. */
export const PROOF_REFRESH_AFTER_MS = 1000;

const TOKEN_PATH = '/oauth2/v1/token';

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The run fails rather than send the token to an origin other than OKTA_ORG_URL. */
export function assertOrgOrigin(url: string | undefined, orgUrl: string): void {
  if (url === undefined) return;
  const origin = originOf(url);
  const org = originOf(orgUrl);
  if (origin === undefined || origin !== org) {
    throw new SyncError(
      `Okta answered a link to ${origin ?? 'an unreadable URL'}, outside OKTA_ORG_URL (${org ?? orgUrl}): not followed, since the credentials would go with it`,
      { kind: 'incomplete', service: 'okta' },
    );
  }
}

function rateOf(res: Answer): RateObservation {
  const num = (name: string): number | undefined => {
    const v = res.headers.get(name);
    const n = v === null || v.trim() === '' || v.includes(',') ? NaN : Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  const date = res.headers.get('date');
  const serverDateMs = date === null ? NaN : Date.parse(date);
  const limit = num('x-rate-limit-limit');
  const remaining = num('x-rate-limit-remaining');
  const resetEpochS = num('x-rate-limit-reset');
  const retryAfterMs = res.status === 429 ? parseRetryAfter(res.headers.get('retry-after'), Number.isFinite(serverDateMs) ? serverDateMs : Date.now()) : undefined;
  return {
    status: res.status,
    ...(limit !== undefined ? { limit } : {}),
    ...(remaining !== undefined ? { remaining } : {}),
    ...(resetEpochS !== undefined ? { resetEpochS } : {}),
    ...(Number.isFinite(serverDateMs) ? { serverDateMs } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/** What a token endpoint error answer said: an OAuth `error` (RFC 6749) or an Okta error body. */
async function tokenError(res: Answer): Promise<{ error?: string; description?: string }> {
  try {
    const body = JSON.parse(await res.text()) as { error?: unknown; error_description?: unknown; errorCode?: unknown; errorSummary?: unknown };
    const error = typeof body.error === 'string' ? body.error : body.errorCode;
    const description = typeof body.error_description === 'string' ? body.error_description : body.errorSummary;
    return { ...(typeof error === 'string' ? { error } : {}), ...(typeof description === 'string' ? { description: description.slice(0, 200) } : {}) };
  } catch {
    return {}; // not JSON: the status says enough
  }
}

/** What Okta says of a client assertion whose `exp`, `iat` or `nbf` does not fit its clock. */
const CLOCK_REFUSAL = /\b(expired|in the future|not yet valid|clock skew|iat|nbf)\b/i;

/**
 * The SDK 8.1 caches an error answer of the token endpoint as if it were a token (its oauth.js
 * calls an undefined Http.errorFilter), and the caller then sees only a 401 E0000011. We look at
 * the token answer here, where it passes by, and fail with what Okta said. The token endpoint has
 * its own rate limit and can fail as any endpoint does: a 408, 429 or 5xx is transient (the pacer
 * has seen the reset), anything else is a refusal of the service app's credentials.
 */
async function tokenRefused(res: Answer, scopes: readonly string[] | undefined, tokenUrl: string): Promise<SyncError> {
  const { error, description } = await tokenError(res);
  const detail = `${error ?? `HTTP ${res.status}`}${description !== undefined ? `: ${description}` : ''}`;
  if (kindForStatus(res.status) === 'transient') {
    return new SyncError(`Okta's token endpoint answered ${res.status} (${detail})`, { kind: 'transient', service: 'okta', status: res.status });
  }
  // Every Okta org answers its token endpoint, if only to refuse the app: nothing there is the URL
  // (a custom authorization server's, another host) or a proxy that passes only /api/v1.
  if (res.status === 404) {
    return new SyncError(
      `nothing answers at ${tokenUrl}, where Okta issues the service app's token (HTTP 404): set OKTA_ORG_URL to the Okta org itself (https://acme.okta.com), and let any proxy in front of Okta pass /oauth2/v1/token`,
      { kind: 'config', service: 'okta' },
    );
  }
  // Asked for a nonce again, right after one was given: the proof's time, or a proxy in between.
  if (error === 'use_dpop_nonce') {
    return new SyncError(`Okta refused the service app's token (${detail}): it asked for a DPoP nonce again; check this machine's clock and any proxy in front of Okta`, { kind: 'auth', service: 'okta' });
  }
  // The assertion's times refused (expired, issued in the future): this machine's clock is off from Okta's.
  if (description !== undefined && CLOCK_REFUSAL.test(description)) {
    return new SyncError(`Okta refused the service app's token (${detail}): the times in the signed assertion were refused; check this machine's clock (it must be within a few minutes of Okta's)`, { kind: 'auth', service: 'okta' });
  }
  const asked = scopes !== undefined && scopes.length > 0 ? ` (it asks for ${scopes.join(' ')})` : '';
  if (error === 'invalid_scope') {
    return new SyncError(
      `Okta refused the service app's token (${detail}): the app is not granted every scope OKTA_SCOPES asks for${asked}; grant them to it in Okta (Okta API Scopes), or leave them out of OKTA_SCOPES (okta.logs.read is needed only by incremental runs)`,
      { kind: 'auth', service: 'okta' },
    );
  }
  return new SyncError(`Okta refused the service app's token (${detail}): check OKTA_CLIENT_ID, OKTA_KEY_ID, OKTA_SCOPES${asked} and the key`, { kind: 'auth', service: 'okta' });
}

/**
 * An Okta service app that requires DPoP answers the first token request 400 `use_dpop_nonce`
 * with a DPoP-Nonce header (RFC 9449 §8); the SDK then asks again with a proof that carries the
 * nonce, and from then on sends `Authorization: DPoP` with a proof on every call. That answer
 * goes back to the SDK unread, but only for a proof that had no nonce yet: the SDK asks again
 * without limit, so a nonce asked for a second time is a refusal like any other.
 */
async function asksForDpopNonce(request: SdkRequest, res: Answer): Promise<boolean> {
  if (res.status !== 400 || !res.headers.get('dpop-nonce')) return false;
  const claims = dpopClaimsOf((request as { headers?: Record<string, unknown> }).headers);
  if (claims === undefined || claims.nonce !== undefined) return false;
  return (await tokenError(res.clone())).error === 'use_dpop_nonce';
}

/**
 * Every Okta request of the SDK goes through here: the origin check (next links included), the
 * pacer and the cap on parallel calls, and a look at the token endpoint's answers. The SDK's own
 * 429 retry is off (maxRetries 0): it would hold a slot while it sleeps, and our caller retries
 * anyway, with the pacer waiting for the reset the 429 announced.
 */
export class OktaRequestExecutor extends DefaultRequestExecutor {
  private readonly opts: OktaExecutorOptions;

  constructor(opts: OktaExecutorOptions) {
    super({ maxRetries: 0, requestTimeout: opts.requestTimeoutMs });
    this.opts = opts;
  }

  override async fetch(request: SdkRequest): Promise<SdkResponse> {
    assertOrgOrigin(request.url ?? '', this.opts.orgUrl);
    const url = new URL(request.url ?? '');
    if (this.opts.apiToken) {
      const req = request as SdkRequest & { headers?: Record<string, string> };
      req.headers = { ...req.headers, Authorization: `SSWS ${this.opts.apiToken.reveal()}` };
    }
    const bucket = bucketOf(url.pathname);
    const asked = Date.now();
    const release = await this.opts.throttle.acquire(bucket);
    const waited = Date.now() - asked >= PROOF_REFRESH_AFTER_MS;
    let res: Answer;
    try {
      const key = waited ? this.opts.signingKey?.() : undefined;
      if (key) refreshDpopProof((request as { headers?: Record<string, unknown> }).headers, key);
      res = (await super.fetch(request)) as Answer;
    } catch (err) {
      release();
      throw err;
    }
    const rate = rateOf(res);
    release(rate);
    this.opts.onResponse(res.status, {
      bucket,
      ...(rate.remaining !== undefined ? { remaining: rate.remaining } : {}),
      ...(rate.limit !== undefined ? { limit: rate.limit } : {}),
      ...(rate.serverDateMs !== undefined ? { serverDateMs: rate.serverDateMs } : {}),
    });
    if (url.pathname === TOKEN_PATH && (res.status < 200 || res.status >= 300)) {
      if (await asksForDpopNonce(request, res)) return res as SdkResponse;
      throw await tokenRefused(res, this.opts.scopes, `${url.origin}${url.pathname}`);
    }
    return res as SdkResponse;
  }
}
