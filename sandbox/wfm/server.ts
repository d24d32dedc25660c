// The sandbox WFM: SCIM under /scim/v2, the user-management API at the root, and test controls
// under /_sandbox. Plain node:http, so the raw path is ours to decode (an encoded '/' or '..'
// in an id stays inside its segment) and faults can drop or garble a response at will.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin } from './admin-routes';
import { assertDisabledAttributes } from './disabled-attributes';
import { createCursorBook } from './cursor-pages';
import type { FaultApi, PickedFault, WfmFaults } from './faults';
import { defaultFaults, pickFault } from './faults';
import type { Reply, RequestContext } from './http-io';
import { jsonReply, scimError, serialiseReply } from './http-io';
import type { WfmApi, WfmRequestLogEntry } from './request-log';
import { handleScim } from './scim-routes';
import type { WfmConfig, WfmState } from './state';
import { createWfmState } from './state';
import { handleUserApi } from './user-api-routes';

export type { WfmConfig, WfmState, WfmUserResource } from './state';
export type { WfmFaultKind, WfmFaultRule, WfmFaults, WfmRandomFaults } from './faults';
export { FAULT_KINDS, resetFaults } from './faults';
export type { RequestMatch, WfmApi, WfmRequestLogEntry } from './request-log';
export { countRequests, filterRequests } from './request-log';

export type WfmSandboxOptions = {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 'sandbox-scim-token'. */
  scimToken?: string;
  /** Default 'sandbox-key-id'. */
  accessKeyId?: string;
  /** Default 'sandbox-key-secret'. */
  accessKeySecret?: string;
  /** Default 3600. */
  tokenTtlSeconds?: number;
  /** Server cap on `count`; default 100. */
  maxPageSize?: number;
  /** Default true: meta.version W/"n", ETag headers, If-Match honoured. */
  etags?: boolean;
  /** Default false: when true, GET /Users without a filter answers 400 invalidFilter. */
  filterRequired?: boolean;
  /** Optional attributes not enabled on this tenant ('displayName', '<urn>:department'...); required ones throw. */
  disabledAttributes?: string[];
  /** Attributes a PUT leaves as they were created, answering 200 with the values kept (as Zoom's SCIM API does with userName). */
  keptAsCreated?: string[];
  /** Default 'index' (startIndex, RFC 7644); 'cursor' pages by cursor alone (RFC 9865), as IAM Identity Center does. */
  pagination?: 'index' | 'cursor';
};

export type WfmSandbox = {
  /** http://HOST:PORT */
  url: string;
  /** url + '/scim/v2' */
  scimUrl: string;
  /** The user-management API root (= url). */
  apiUrl: string;
  /** The SCIM bearer token accepted now (the first, while a rotation overlaps). */
  readonly scimToken: string;
  accessKeyId: string;
  accessKeySecret: string;
  state: WfmState;
  /** The live switches (same object as state.config). */
  config: WfmConfig;
  faults: WfmFaults;
  requests: WfmRequestLogEntry[];
  /**
   * Test switch: the SCIM bearer tokens accepted from the next request on (also `POST
   * /_sandbox/scim-tokens`). A rotation gives the old and new token, then the new one alone.
   */
  setScimTokens(tokens: string[]): void;
  close(): Promise<void>;
};

const MAX_BODY_BYTES = 1024 * 1024;

/** Decoded path segments; undefined when a segment is not valid percent-encoding. */
const decodeSegments = (rawPath: string): string[] | undefined => {
  const parts = rawPath.split('/').slice(1);
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  try {
    return parts.map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
};

const classify = (rawPath: string): WfmApi => {
  if (rawPath === '/scim' || rawPath.startsWith('/scim/')) return 'scim';
  if (rawPath === '/_sandbox' || rawPath.startsWith('/_sandbox/')) return 'admin';
  return 'user-management';
};

const readBody = async (req: IncomingMessage): Promise<Buffer | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
};

const errorReply = (api: WfmApi, status: number, message: string, retryAfter?: number): Reply => {
  const reply = api === 'scim'
    ? scimError(status, message)
    : jsonReply(status, { status, error: status === 429 ? 'Too Many Requests' : 'Server Error', message });
  return retryAfter === undefined ? reply : { ...reply, headers: { 'retry-after': String(retryAfter) } };
};

/** A fault answered before the request is handled; undefined for the post-handler kinds. */
const earlyFaultReply = (fault: PickedFault, api: WfmApi): Reply | undefined => {
  switch (fault.kind) {
    case '429': return errorReply(api, 429, 'Too many requests (injected)', fault.retryAfterSeconds);
    case '500': return errorReply(api, 500, 'Internal server error (injected)');
    case '503': return errorReply(api, 503, 'Service unavailable (injected)', fault.retryAfterSeconds);
    case '412-on-put': return scimError(412, 'The resource was modified (injected precondition failure)');
    default: return undefined;
  }
};

const send = (res: ServerResponse, reply: Reply, garble: boolean): void => {
  const { bytes, contentType } = serialiseReply(reply);
  // A truncated body with a matching Content-Length: the client reads it whole and fails to parse it.
  const out = garble ? (bytes.length > 1 ? bytes.subarray(0, Math.floor(bytes.length / 2)) : Buffer.from('{"')) : bytes;
  const headers: Record<string, string | number> = { ...reply.headers, 'content-length': out.length };
  if (contentType) headers['content-type'] = garble && !reply.contentType ? 'application/json' : contentType;
  res.writeHead(reply.status, headers);
  res.end(out);
};

export const startWfmSandbox = async (opts: WfmSandboxOptions = {}): Promise<WfmSandbox> => {
  const host = opts.host ?? '127.0.0.1';
  let scimTokens: readonly string[] = [opts.scimToken ?? 'sandbox-scim-token'];
  const setScimTokens = (tokens: string[]): void => {
    if (tokens.length === 0) throw new Error('at least one SCIM token must be accepted');
    scimTokens = [...tokens];
  };
  const accessKeyId = opts.accessKeyId ?? 'sandbox-key-id';
  const accessKeySecret = opts.accessKeySecret ?? 'sandbox-key-secret';
  const config: WfmConfig = {
    filterRequired: opts.filterRequired ?? false,
    etags: opts.etags ?? true,
    maxPageSize: opts.maxPageSize ?? 100,
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 3600,
    disabledAttributes: [...(opts.disabledAttributes ?? [])],
    keptAsCreated: [...(opts.keptAsCreated ?? [])],
    pagination: opts.pagination ?? 'index',
  };
  assertDisabledAttributes(config.disabledAttributes);
  const state = createWfmState(config);
  const faults = defaultFaults();
  const cursors = createCursorBook();
  const requests: WfmRequestLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let scimUrl = '';

  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => later(ms, resolve));

  const dispatch = (ctx: RequestContext, api: WfmApi): Reply => {
    const [first, second, ...rest] = ctx.segments;
    if (api === 'admin') return handleAdmin(ctx, { state, faults, requests, scimTokens, setScimTokens }, ctx.segments.slice(1));
    if (api === 'scim') {
      if (first !== 'scim' || second !== 'v2') return scimError(404, 'Not found');
      return handleScim(ctx, { state, faults, scimTokens, scimUrl, cursors }, rest);
    }
    return handleUserApi(ctx, { state, faults, accessKeyId, accessKeySecret });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const method = (req.method ?? 'GET').toUpperCase();
    const api = classify(rawPath);
    const entry: WfmRequestLogEntry = { method, path: rawPath, query: q < 0 ? '' : rawUrl.slice(q + 1), status: 0, api, at: Date.now() };
    requests.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    const rawBody = await readBody(req);
    if (rawBody === undefined) return send(res, errorReply(api, 413, 'The request body is too large'), false);
    let fault: PickedFault | undefined;
    if (api !== 'admin') {
      if (faults.latencyMs > 0) await sleep(faults.latencyMs);
      // The client gave up while we waited: nothing to answer, and no fault to consume.
      if (req.socket.destroyed) return;
      fault = pickFault(faults, { method, path: rawPath, api: api as FaultApi });
      if (fault) entry.fault = fault.kind;
      if (fault?.kind === 'reset') return void req.socket.resetAndDestroy();
      if (fault?.kind === 'timeout') return later(faults.timeoutMs, () => req.socket.destroy());
      const early = fault && earlyFaultReply(fault, api);
      if (early) return send(res, early, false);
    }
    const segments = decodeSegments(rawPath);
    const reply = segments === undefined
      ? errorReply(api, 400, 'The path is not valid percent-encoding')
      : dispatch({ method, segments, query: new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1)), headers: req.headers, rawBody }, api);
    // A request that was applied but whose answer never arrives.
    if (fault?.kind === 'lost-response') return void req.socket.destroy();
    send(res, reply, fault?.kind === 'malformed-json');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) send(res, errorReply(classify(req.url ?? '/'), 500, `Sandbox error: ${message}`), false);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  scimUrl = `${url}/scim/v2`;
  state.setLocationBase(scimUrl);

  return {
    url,
    scimUrl,
    apiUrl: url,
    get scimToken() {
      return scimTokens[0] ?? '';
    },
    accessKeyId,
    accessKeySecret,
    state,
    config,
    faults,
    requests,
    setScimTokens,
    close: () => new Promise<void>((resolve, reject) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }),
  };
};
