import type { WfmApiPort } from '../sync/ports';
import { z } from 'zod';
import type { Secret } from '../config/secret';
import type { Gate } from './gate';
import { SyncError } from './errors';
import { createHttpClient, type HttpStats } from './http';
import { pathSegment } from './path-segment';

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
  /** Deactivates one batch; answers the ids the WFM could not deactivate. */
  deactivate(ids: readonly string[]): Promise<{ notDeactivated: string[] }>;
  revive(id: string): Promise<void>;
  /** The same revive, each retry also told to `onRetry` (one write's own count). */
  counting(onRetry: () => void): WfmApiPort;
  stats(): HttpStats;
};

const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive().optional() }).loose();
const deactivateSchema = z.object({ notDeletedUserIds: z.array(z.string()).default([]) }).loose();

const RENEW_BEFORE_MS = 60_000;

function describeApiError(body: unknown): { detail?: string } {
  const parsed = z
    .object({ message: z.string().optional(), details: z.unknown().optional(), error: z.string().optional() })
    .loose()
    .safeParse(body);
  if (!parsed.success) return {};
  const d = parsed.data;
  const detail = d.message ?? (typeof d.details === 'string' ? d.details : undefined) ?? d.error;
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
    const parsed = tokenSchema.safeParse(res.body);
    if (!parsed.success) throw new SyncError('WFM API token answer has no access_token', { kind: 'invalid', service: 'wfm-api' });
    const ttlMs = (parsed.data.expires_in ?? 3600) * 1000;
    token = { value: parsed.data.access_token, renewAt: now() + Math.max(0, ttlMs - RENEW_BEFORE_MS) };
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

  /** On a 401 the token is renewed once and the call tried again. */
  async function authorized<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof SyncError && err.status === 401) {
        token = undefined;
        return call();
      }
      throw err;
    }
  }

  async function revive(id: string, onRetry?: () => void): Promise<void> {
    const path = `/user-management/v1/users/${pathSegment(id, 'wfm-api')}/revive`;
    await authorized(() => http.request({ method: 'POST', path, retry: 'idempotent', ...(onRetry ? { onRetry } : {}) }));
  }

  return {
    async deactivate(ids) {
      const res = await authorized(() =>
        http.request({ method: 'POST', path: '/user-management/v1/users/deactivate', body: { userIds: ids }, retry: 'idempotent' }),
      );
      const parsed = deactivateSchema.safeParse(res.body ?? {});
      if (!parsed.success) throw new SyncError('WFM API deactivate answer is not understood', { kind: 'invalid', service: 'wfm-api' });
      return { notDeactivated: parsed.data.notDeletedUserIds };
    },
    revive: (id) => revive(id),
    counting: (onRetry) => ({ revive: (id) => revive(id, onRetry) }),
    stats: () => http.stats(),
  };
}
