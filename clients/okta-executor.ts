import { DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import type { Secret } from '../config/secret';
import { SyncError, parseRetryAfter } from './errors';
import { bucketOf, type RateObservation } from './okta-pacer';
import type { Throttle } from './okta-throttle';

type SdkRequest = Parameters<DefaultRequestExecutor['fetch']>[0];
type SdkResponse = Awaited<ReturnType<DefaultRequestExecutor['fetch']>>;
type Answer = { status: number; headers: { get(name: string): string | null }; text(): Promise<string> };

/** What an answer said of its rate limit, and the endpoint family (bucket) it counts against. */
export type RateHeaders = { remaining?: number; limit?: number; bucket?: string };

export type OktaExecutorOptions = {
  orgUrl: string;
  requestTimeoutMs: number;
  throttle: Throttle;
  /** Told about every answer (for stats and metrics). */
  onResponse: (status: number, rate: RateHeaders) => void;
  /** SSWS mode: the token, read on every request so a rotated OKTA_API_TOKEN_FILE takes effect at once. */
  apiToken?: Secret;
};

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

/**
 * The SDK 8.1 caches an error answer of the token endpoint as if it were a token (its oauth.js
 * calls an undefined Http.errorFilter), and the caller then sees only a 401 E0000011. We look at
 * the token answer here, where it passes by, and fail with what Okta said.
 */
async function tokenRefused(res: Answer): Promise<SyncError> {
  let detail = `HTTP ${res.status}`;
  try {
    const body = JSON.parse(await res.text()) as { error?: unknown; error_description?: unknown };
    if (typeof body.error === 'string') detail = body.error;
    if (typeof body.error_description === 'string') detail += `: ${body.error_description.slice(0, 200)}`;
  } catch {
    // not JSON: the status says enough
  }
  return new SyncError(
    `Okta refused the service app's token (${detail}): check OKTA_CLIENT_ID, OKTA_KEY_ID, OKTA_SCOPES and the key`,
    { kind: 'auth', service: 'okta' },
  );
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
    const release = await this.opts.throttle.acquire(bucket);
    let res: Answer;
    try {
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
    });
    if (url.pathname === TOKEN_PATH && (res.status < 200 || res.status >= 300)) throw await tokenRefused(res);
    return res as SdkResponse;
  }
}
