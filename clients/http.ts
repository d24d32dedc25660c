import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance, type Method } from 'axios';
import type { Gate } from './gate';
import { SyncError, isUntrustedCert, kindForStatus, networkCode, parseRetryAfter, secretFileFailure, type Service } from './errors';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry';

export type HttpResponse = { status: number; headers: Record<string, string>; body: unknown };

export type HttpRequest = {
  method: Method;
  path: string;
  params?: Record<string, string | number>;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Whether a transient failure may be retried by sending the request again. GET and PUT are;
   * a POST is retried only on 429 (the server did nothing). Callers of non-idempotent requests
   * handle the ambiguous failures themselves (look up before re-sending).
   */
  retry?: 'idempotent' | 'rate-limit-only';
  /** Told of each retry of this request, besides the client's own count (a write's own retries). */
  onRetry?: () => void;
  /** `ignored`: a success needs no body, so one that cannot be read does not fail the request. */
  answer?: 'json' | 'ignored';
};

export type HttpStats = { requests: number; retries: number; byStatus: Record<string, number> };

export type HttpClientOptions = {
  service: Service;
  label: string;
  baseUrl: string;
  timeoutMs: number;
  retry?: Partial<RetryPolicy>;
  /** The Authorization header value, computed per request (so a rotated secret is used at once). */
  authorization: () => Promise<string> | string;
  contentType?: string;
  /** Pulls a readable detail out of an error body. */
  describeBody?: (body: unknown) => { detail?: string; scimType?: string };
  onResponse?: (status: number) => void;
  /** Bounds the requests in flight (WFM_CONCURRENCY), shared by the clients of one service; each attempt passes it alone. */
  gate?: Gate;
};

export type HttpClient = {
  request(req: HttpRequest): Promise<HttpResponse>;
  stats(): HttpStats;
};

/** The TCP keep-alive delay axios gives every request's socket. */
const TCP_KEEPALIVE_MS = 60_000;

/**
 * The query string percent-encoded as RFC 3986 §2.1 has it, so a space is `%20`. axios would send
 * `+`, which only HTML form decoding reads as a space: a SCIM server that percent-decodes alone
 * then reads `userName+eq+"x"`, not a filter (RFC 7644 §3.4.2.2 filters are full of spaces).
 */
function queryString(params: Record<string, string | number>): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

/** JSON that came with another Content-Type (text/plain) arrives as text: read it as JSON when it is. */
export function asJson(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

/**
 * A success whose text is a JSON object or array is read as JSON whatever its Content-Type: some
 * servers send JSON as text/plain or a generic type. An error body of another type stays text.
 */
function parseBody(text: string, contentType: string | undefined, success: boolean): { ok: true; body: unknown } | { ok: false } {
  if (text === '') return { ok: true, body: undefined };
  if (contentType !== undefined && !/json/i.test(contentType)) return { ok: true, body: success && /^\s*[{[]/.test(text) ? asJson(text) : text };
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * The one HTTP adapter for the WFM: axios with keep-alive, a timeout, the error taxonomy applied in
 * one place, and retries with backoff that honour Retry-After. Error messages carry the method,
 * path, status and the server's detail: never headers, tokens or bodies we sent.
 */
export function createHttpClient(opts: HttpClientOptions): HttpClient {
  // Failures to get credentials: whatever retries they deserved happened where they arose (the
  // token request), so the request waiting for them does not repeat them all again.
  const credentialFailures = new WeakSet<object>();
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const axiosInstance: AxiosInstance = axios.create({
    baseURL: opts.baseUrl,
    timeout: opts.timeoutMs,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    maxRedirects: 0,
    paramsSerializer: { serialize: queryString },
    // keepAliveMsecs as axios sets it on each request's socket (60 s): the agent setting it back to
    // its own default when the socket is freed would cost two setsockopt calls per request.
    httpAgent: new HttpAgent({ keepAlive: true, keepAliveMsecs: TCP_KEEPALIVE_MS, maxSockets: 64 }),
    httpsAgent: new HttpsAgent({ keepAlive: true, keepAliveMsecs: TCP_KEEPALIVE_MS, maxSockets: 64 }),
  });
  const stats: HttpStats = { requests: 0, retries: 0, byStatus: {} };
  const count = (status: number | string): void => {
    stats.byStatus[String(status)] = (stats.byStatus[String(status)] ?? 0) + 1;
  };

  async function once(req: HttpRequest): Promise<HttpResponse> {
    const where = `${opts.label} ${req.method.toUpperCase()} ${req.path}`;
    // Outside the try: a failure to get credentials (a refused access key, an unreadable secret
    // file) is that failure, not a network error to be retried.
    let authorization: string;
    try {
      authorization = await opts.authorization();
    } catch (err) {
      const failure = secretFileFailure(err, opts.service) ?? err;
      if (typeof failure === 'object' && failure !== null) credentialFailures.add(failure);
      throw failure;
    }
    stats.requests += 1;
    let res;
    try {
      res = await axiosInstance.request<string>({
        method: req.method,
        url: req.path,
        params: req.params,
        data: req.body === undefined ? undefined : JSON.stringify(req.body),
        headers: {
          Accept: opts.contentType ? `${opts.contentType}, application/json` : 'application/json',
          ...(req.body === undefined ? {} : { 'Content-Type': opts.contentType ?? 'application/json' }),
          ...req.headers,
          Authorization: authorization,
        },
      });
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'network error';
      count(code);
      opts.onResponse?.(0);
      const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
      throw new SyncError(`${where} failed: ${timedOut ? `no answer within ${opts.timeoutMs} ms` : networkCode(code, { service: opts.service, url: opts.baseUrl })}`, {
        kind: isUntrustedCert(code) ? 'config' : 'transient',
        service: opts.service,
      });
    }
    count(res.status);
    opts.onResponse?.(res.status);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
    const success = res.status >= 200 && res.status < 300;
    const parsed = parseBody(typeof res.data === 'string' ? res.data : '', headers['content-type'], success);
    if (success) {
      if (req.answer === 'ignored') return { status: res.status, headers, body: undefined };
      if (!parsed.ok) {
        throw new SyncError(`${where} answered ${res.status} with a body that is not valid JSON`, {
          kind: 'transient',
          service: opts.service,
          status: res.status,
        });
      }
      return { status: res.status, headers, body: parsed.body };
    }
    const described = parsed.ok ? (opts.describeBody?.(parsed.body) ?? {}) : {};
    const detail = described.detail ? `: ${described.detail.slice(0, 300)}` : '';
    const scimType = described.scimType ? ` (${described.scimType})` : '';
    throw new SyncError(`${where} answered ${res.status}${scimType}${detail}`, {
      kind: kindForStatus(res.status),
      service: opts.service,
      status: res.status,
      retryAfterMs: parseRetryAfter(headers['retry-after'], Date.now()),
      ...(described.scimType ? { scimType: described.scimType } : {}),
    });
  }

  function retryable(req: HttpRequest) {
    return (err: unknown): boolean => {
      if (!(err instanceof SyncError) || err.kind !== 'transient' || credentialFailures.has(err)) return false;
      const mode = req.retry ?? (['GET', 'PUT'].includes(req.method.toUpperCase()) ? 'idempotent' : 'rate-limit-only');
      return mode === 'idempotent' || err.status === 429;
    };
  }

  return {
    request: (req) =>
      withRetry(() => (opts.gate ? opts.gate(() => once(req)) : once(req)), policy, retryable(req), () => {
        stats.retries += 1;
        req.onRetry?.();
      }),
    stats: () => ({ ...stats, byStatus: { ...stats.byStatus } }),
  };
}
