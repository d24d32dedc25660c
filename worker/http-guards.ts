import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isLoopbackHost } from '../config/url';

/** The JSON error body every route answers with; the error code is kept in `res.locals.error` for the refusal metrics. */
export function sendError(res: Response, status: number, error: string, message: string): void {
  res.locals.error = error;
  res.status(status).json({ error, message });
}

/**
 * A whole-number query parameter from `min` to `max`, `fallback` when it is absent. Anything else
 * (not digits, out of range, empty, given twice) answers 400 naming the parameter and its range,
 * and gives undefined: a mistyped value is not quietly read as the default.
 */
export function wholeNumberQuery(req: Request, res: Response, name: string, range: { min: number; max: number; fallback: number }): number | undefined {
  const raw = req.query[name];
  if (raw === undefined) return range.fallback;
  const value = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (value >= range.min && value <= range.max) return value;
  sendError(res, 400, 'invalid', `Query parameter ${name} takes a whole number from ${range.min} to ${range.max} (default ${range.fallback}).`);
  return undefined;
}

/**
 * The fallback of a route for the methods it does not serve: OPTIONS lists them (204), anything
 * else answers 405 with `Allow`. HEAD is allowed wherever GET is (Express answers it from GET).
 */
export function otherMethods(...methods: readonly string[]): RequestHandler {
  const allow = [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
  return (req, res) => {
    res.set('Allow', allow);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    sendError(res, 405, 'method-not-allowed', `${req.method} is not allowed on ${req.path}; use ${methods.join(' or ')}.`);
  };
}

/**
 * A request that carries a body must say it is JSON. Besides clear answers, this keeps a browser
 * from sending a cross-site "simple" request (text/plain, a form, or no body type) that it would
 * not have to ask permission for first.
 */
export function requireJson(req: Request, res: Response, next: NextFunction): void {
  // The type express.json() parses; an empty body of that type is an empty object.
  const type = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') {
    next();
    return;
  }
  sendError(res, 415, 'unsupported-media-type', 'Send the body as JSON, with Content-Type: application/json.');
}

/** Body-parser failures as client errors: the request was at fault, not the worker. */
export function bodyErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  const type = typeof err === 'object' && err !== null ? (err as { type?: unknown }).type : undefined;
  if (type === 'entity.parse.failed') return sendError(res, 400, 'invalid', 'The body is not a JSON object.');
  if (type === 'entity.too.large') return sendError(res, 413, 'too-large', 'The body is larger than 16 kB.');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') return sendError(res, 415, 'unsupported-media-type', 'Send the body as UTF-8 JSON.');
  // A path with a broken %-escape (Express cannot decode its parameter), or a body its
  // Content-Encoding does not decode: the request's fault, as any other 4xx the parsers raise.
  if (err instanceof URIError) return sendError(res, 400, 'invalid', 'The path holds a broken %-escape.');
  const status = typeof err === 'object' && err !== null ? ((err as { status?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode) : undefined;
  const zlib = typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' && String((err as { code: string }).code).startsWith('Z_');
  if (zlib) return sendError(res, 400, 'invalid', 'The body does not decode as its Content-Encoding says.');
  if (typeof status === 'number' && status >= 400 && status < 500) return sendError(res, status, 'invalid', 'The request was refused as malformed.');
  next(err);
}

/** Any path no route serves. */
export function notFound(req: Request, res: Response): void {
  sendError(res, 404, 'not-found', `Nothing at ${req.path}.`);
}

/** A Host header's name (lower case, an IPv6 address in brackets) and port, or undefined when it is not one. */
export function parseHost(value: string | undefined): { name: string; port: string | undefined } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^\s:/?#@[\]\\]+)(?::(\d{1,5}))?$/i.exec(value ?? '');
  if (!match?.[1]) return undefined;
  return { name: match[1].toLowerCase(), port: match[2] };
}

/**
 * Without admin credentials the worker listens on loopback only, yet a web page can still reach it
 * through a name of its own that it points at 127.0.0.1 (DNS rebinding); the browser then sends
 * that name as Host. So only a loopback name is answered. A request without Host is refused too.
 */
export function loopbackHostOnly(req: Request, res: Response, next: NextFunction): void {
  const host = parseHost(req.headers.host);
  if (host && isLoopbackHost(host.name)) {
    next();
    return;
  }
  sendError(res, 403, 'forbidden-host', 'Reach the worker by a loopback name (localhost, 127.0.0.1 or [::1]), or set ADMIN_TOKEN or ADMIN_USER and ADMIN_PASSWORD.');
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether an Origin names the host and port the request was sent to. An Origin without a port has
 * its scheme's; so does a Host without one (80 for http). "null", or a scheme with no default
 * port and none given, never matches.
 */
export function originMatchesHost(origin: string, hostHeader: string | undefined): boolean {
  const host = parseHost(hostHeader);
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const defaultPort = DEFAULT_PORTS[url.protocol];
  if (!host || defaultPort === undefined) return false;
  return url.hostname.toLowerCase() === host.name && (url.port || defaultPort) === (host.port ?? defaultPort);
}

/**
 * Whether a browser says the request comes from another site's page. Sec-Fetch-Site decides when
 * present; older browsers send only Origin. Requests from no browser (curl, scripts, the CLI) send
 * neither and are not cross-site.
 */
export function isCrossSite(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return !['same-origin', 'none'].includes(site.trim().toLowerCase());
  const origin = req.get('origin');
  return origin !== undefined && !originMatchesHost(origin, req.headers.host);
}

/**
 * Refuses writes from another site's page. A browser resends cached basic credentials with a
 * cross-site form post, and the dashboard's own routes (retry, clean, promote, remove) take POST,
 * PUT and DELETE, so credentials alone do not tell the operator's clicks from a page's.
 */
export function sameOriginWrites(req: Request, res: Response, next: NextFunction): void {
  if (READ_METHODS.has(req.method) || !isCrossSite(req)) {
    next();
    return;
  }
  sendError(res, 403, 'cross-site', 'Writes from another site\'s page are refused; use the dashboard at its own address, or send the request without Origin (curl, scripts, the CLI).');
}
