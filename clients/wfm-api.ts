import type { WfmApiPort } from '../sync/ports';
import { z } from 'zod';
import type { Secret } from '../config/secret';
import type { Gate } from './gate';
import { SyncError, secretFileFailure } from './errors';
import { asJson, createHttpClient, type HttpStats } from './http';
import { pathSegment } from './path-segment';
import { rememberSecret } from '../config/redact';

export type WfmApiConfig = Readonly<{
  apiUrl: string;
  accessKeyId: string;
  accessKeySecret: Secret;
  requestTimeoutMs: number;
  maxRetries: number;
  onResponse?: (status: number) => void;
  now?: () => number;
  /** Bounds the requests in flight to the WFM, shared with the SCIM client. */
  gate?: Gate;
}>;

/** The WFM's user-management API: the only way to deactivate or revive a user. */
export type WfmApi = {
  /**
   * Deactivates one batch; answers the ids the WFM listed as not deactivated, and whether it listed
   * them at all (`notDeletedUserIds` a list: empty says every id was deactivated).
   */
  deactivate(ids: readonly string[]): Promise<{ notDeactivated: string[]; listed: boolean }>;
  revive(id: string): Promise<void>;
  /** Preflight: a new access token for the access key, whatever token is held; nothing else is called. */
  probe(): Promise<void>;
  /** The same revive, each retry also told to `onRetry` (one write's own count). */
  counting(onRetry: () => void): WfmApiPort;
  stats(): HttpStats;
};

/** Why nothing is deactivated: no user-management API is configured. */

/**
 * The user-management API, or the setting error that says it is needed: off-boarding deactivates
 * through it, and nothing else does.
 */
export function requireWfmApi(api: WfmApi | undefined): WfmApi {
  if (api) return api;
  throw new SyncError('off-boarding deactivates users through the WFM user-management API, which is not configured: set WFM_API_URL, WFM_ACCESS_KEY_ID and WFM_ACCESS_KEY_SECRET', {
    kind: 'config',
    service: 'wfm-api',
  });
}

const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.unknown().optional() }).loose();

/** A user id as a WFM may list it: a string, a number, or an object naming it. */
const listedId = z.union([
  z.string(),
  z.number().transform(String),
  z.object({ userId: z.union([z.string(), z.number()]) }).loose().transform((o) => String(o.userId)),
  z.object({ id: z.union([z.string(), z.number()]) }).loose().transform((o) => String(o.id)),
]);
/** No body, no field and `null` say nothing of which ids were deactivated (`listed: false`). */
const deactivateSchema = z.object({ notDeletedUserIds: z.array(listedId).nullish() }).loose();

/** Used when the token answer gives no usable lifetime; a token that dies earlier is renewed on its 401. */
const DEFAULT_TOKEN_TTL_S = 3600;
const RENEW_BEFORE_MS = 60_000;

/** A lifetime in seconds from `expires_in`: a positive number, or such a number as a string. */
function lifetimeSeconds(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Entries of an `errors` array shown in an error message at the most; the rest are counted. */
const ERRORS_SHOWN = 3;

/** The entries of a 400's `errors` array as text: `field: message`, a bare message, or a string. */
function errorsText(errors: unknown): string | undefined {
  if (!Array.isArray(errors)) return undefined;
  const texts = errors.flatMap((e: unknown): string[] => {
    if (typeof e === 'string') return e.trim() === '' ? [] : [e];
    if (typeof e !== 'object' || e === null) return [];
    const { field, message } = e as { field?: unknown; message?: unknown };
    if (typeof message !== 'string' || message.trim() === '') return [];
    return [typeof field === 'string' && field !== '' ? `${field}: ${message}` : message];
  });
  if (texts.length === 0) return undefined;
  const more = texts.length - ERRORS_SHOWN;
  return texts.slice(0, ERRORS_SHOWN).join('; ') + (more > 0 ? `; and ${more} more` : '');
}

function describeApiError(body: unknown): { detail?: string } {
  const parsed = z
    .object({ message: z.string().optional(), details: z.unknown().optional(), error: z.string().optional(), errors: z.unknown().optional(), code: z.string().optional() })
    .loose()
    .safeParse(body);
  if (!parsed.success) return {};
  const d = parsed.data;
  // A 400 may carry its reasons in `errors` alone, or only a `code`.
  const detail = d.message ?? (typeof d.details === 'string' ? d.details : undefined) ?? d.error ?? errorsText(d.errors) ?? d.code;
  return detail !== undefined ? { detail } : {};
}

export function createWfmApi(cfg: WfmApiConfig): WfmApi {
  const now = cfg.now ?? Date.now;
  let token: { value: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const common = {
    service: 'wfm-api' as const,
    label: 'WFM API',
    baseUrl: cfg.apiUrl,
    timeoutMs: cfg.requestTimeoutMs,
    retry: { maxRetries: cfg.maxRetries },
    describeBody: describeApiError,
    ...(cfg.onResponse ? { onResponse: cfg.onResponse } : {}),
  };
  const tokenHttp = createHttpClient({ ...common, authorization: () => '' });

  async function fetchToken(): Promise<string> {
    const res = await tokenHttp
      .request({
        method: 'POST',
        path: '/authentication/v1/token/access-key',
        body: { accessKeyId: cfg.accessKeyId, accessKeySecret: cfg.accessKeySecret.reveal() },
        retry: 'idempotent',
      })
      .catch((err: unknown) => {
        // No status on purpose: a refused key is not an expired token, so it is not tried again.
        if (err instanceof SyncError && err.kind === 'auth') {
          throw new SyncError(`WFM API refused the access key (${err.message}): check WFM_ACCESS_KEY_ID and WFM_ACCESS_KEY_SECRET`, {
            kind: 'auth',
            service: 'wfm-api',
          });
        }
        throw err;
      });
    const parsed = tokenSchema.safeParse(asJson(res.body));
    if (!parsed.success) throw new SyncError('WFM API token answer has no access_token', { kind: 'invalid', service: 'wfm-api' });
    const ttlMs = (lifetimeSeconds(parsed.data.expires_in) ?? DEFAULT_TOKEN_TTL_S) * 1000;
    // A minute before expiry; a token that lives less than two minutes is renewed half-way instead.
    rememberSecret(parsed.data.access_token);
    token = { value: parsed.data.access_token, renewAt: now() + Math.max(ttlMs - RENEW_BEFORE_MS, ttlMs / 2) };
    return token.value;
  }

  async function accessToken(): Promise<string> {
    if (token && now() < token.renewAt) return token.value;
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  // Gated, unlike the token request: a request holding a slot may wait for a token.
  const http = createHttpClient({ ...common, ...(cfg.gate ? { gate: cfg.gate } : {}), authorization: async () => `Bearer ${await accessToken()}` });

  /** A token, or the failure to get one; an unreadable secret file is a setting to fix. */
  const asSetting = (token: Promise<string>): Promise<string> =>
    token.catch((err: unknown) => {
      throw secretFileFailure(err, 'wfm-api') ?? err;
    });

  /**
   * On a 401 the token is renewed once and the call tried again. Only the token that was refused is
   * dropped: callers refused together with one stale token share one renewal, and a token another
   * caller renewed meanwhile is used, not renewed again.
   */
  async function authorized<T>(call: () => Promise<T>): Promise<T> {
    // Read first to know which token a 401 refuses.
    const used = await asSetting(accessToken());
    try {
      return await call();
    } catch (err) {
      if (err instanceof SyncError && err.status === 401) {
        if (token?.value === used) token = undefined;
        return call();
      }
      throw err;
    }
  }

  /**
   * A 409 says the user is active already: what a revive is for (a revive retried after a lost
   * answer gets one). Callers read the user afterwards, so a WFM that meant something else is seen.
   */
  async function revive(id: string, onRetry?: () => void): Promise<void> {
    const path = `/user-management/v1/users/${pathSegment(id, 'wfm-api')}/revive`;
    try {
      await authorized(() => http.request({ method: 'POST', path, retry: 'idempotent', answer: 'ignored', ...(onRetry ? { onRetry } : {}) }));
    } catch (err) {
      if (err instanceof SyncError && err.status === 409) return;
      throw err;
    }
  }

  return {
    async deactivate(ids) {
      const res = await authorized(() =>
        http.request({ method: 'POST', path: '/user-management/v1/users/deactivate', body: { userIds: ids }, retry: 'idempotent' }),
      );
      const parsed = deactivateSchema.safeParse(asJson(res.body) ?? {});
      if (!parsed.success) {
        // The status tells the caller the WFM accepted the call: the users may be deactivated.
        throw new SyncError(`WFM API deactivate answered ${res.status} with a body that is not understood`, { kind: 'invalid', service: 'wfm-api', status: res.status });
      }
      const listed = parsed.data.notDeletedUserIds;
      return { notDeactivated: listed ?? [], listed: Array.isArray(listed) };
    },
    revive: (id) => revive(id),
    async probe() {
      await asSetting(fetchToken());
    },
    counting: (onRetry) => ({ revive: (id) => revive(id, onRetry) }),
    stats: () => http.stats(),
  };
}
