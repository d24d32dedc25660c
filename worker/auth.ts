import { timingSafeEqual, createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'winston';
import type { AppConfig } from '../config/app-config';
import { isLoopbackHost } from '../config/url';
import { sendError } from './http-guards';
import { throttledLog } from './log-throttle';

/** Compares in constant time, whatever the lengths (both sides are hashed first). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function hasAdminCredentials(http: AppConfig['http']): boolean {
  return http.adminToken !== undefined || (http.adminUser !== undefined && http.adminPassword !== undefined);
}

/** Why the worker must not start its HTTP server, or undefined when it may. */
export function httpExposureProblem(http: AppConfig['http']): string | undefined {
  if (isLoopbackHost(http.host) || hasAdminCredentials(http)) return undefined;
  return `HTTP_HOST: ${http.host} is not a loopback address, so the dashboard and /api need ADMIN_TOKEN or ADMIN_USER and ADMIN_PASSWORD`;
}

/** An IPv6 address's eight groups as numbers, or undefined when it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.replace(/%.*$/, '').toLowerCase();
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (tail !== undefined) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    text = `${text.slice(0, -tail.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const head = parse(halves[0]);
  const rest = parse(halves[1]);
  const groups = halves.length === 2 ? [...head, ...Array<number>(8 - head.length - rest.length).fill(0), ...rest] : head;
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/**
 * Whom a failed sign-in is counted against: an IPv4 address (also when the socket gives it
 * IPv4-mapped, ::ffff:a.b.c.d), or an IPv6 address's /64, which one client usually holds whole
 * and could otherwise walk through, an address a guess.
 */
export function clientKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = ipv6Groups(address);
  if (!groups) return address;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** How many failed sign-ins a client address may make before it is turned away for a while. */
export type FailureLimits = {
  /** Failures per address within one window; past them the address is refused until it ends. */
  maxFailures: number;
  /** A window starts at an address's first failure. */
  windowMs: number;
  /** Addresses remembered at once; past this the one whose window began first is forgotten. */
  maxAddresses: number;
  now(): number;
};

export const FAILURE_LIMITS: FailureLimits = { maxFailures: 10, windowMs: 60_000, maxAddresses: 10_000, now: () => Date.now() };

/**
 * Failed sign-ins per client address, in fixed windows, so that guessing the password or token
 * from one address is slow. A success clears nothing: behind a proxy or NAT the operator and a
 * guesser share an address, and the operator's sign-ins must not reset the guesser's count. At
 * most maxAddresses are held, so requests from many addresses cannot grow the table without limit.
 */
export function failureTable(limits: FailureLimits) {
  const windows = new Map<string, { start: number; failures: number }>();
  const current = (address: string) => {
    const window = windows.get(address);
    if (window && limits.now() - window.start >= limits.windowMs) {
      windows.delete(address);
      return undefined;
    }
    return window;
  };
  return {
    /** Milliseconds until the address may try again; 0 when it may now. */
    refusedFor(address: string): number {
      const window = current(address);
      return window && window.failures >= limits.maxFailures ? window.start + limits.windowMs - limits.now() : 0;
    },
    failed(address: string): void {
      const window = current(address);
      if (window) {
        window.failures += 1;
        return;
      }
      // Insertion order is the order the windows began in: the first key is the oldest.
      const oldest = windows.size >= limits.maxAddresses ? windows.keys().next().value : undefined;
      if (oldest !== undefined) windows.delete(oldest);
      windows.set(address, { start: limits.now(), failures: 1 });
    },
  };
}

/** Refused sign-ins logged a minute at most, so that a guessing flood cannot fill the disk (the rest are counted). */
export const REFUSALS_LOGGED_PER_MINUTE = 20;

/**
 * The user name a basic Authorization header tries, for the log: never the password, nor a value
 * that is a configured secret (a password typed as the user name), and at most 64 characters.
 */
function triedUser(header: string, http: AppConfig['http']): string | undefined {
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if ((scheme ?? '').toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const user = decoded.slice(0, colon);
  const secrets = [http.adminPassword?.reveal(), http.adminToken?.reveal()].filter((v): v is string => v !== undefined);
  return secrets.some((secret) => safeEqual(user, secret)) ? undefined : user.slice(0, 64);
}

/**
 * Bearer ADMIN_TOKEN, or basic ADMIN_USER/ADMIN_PASSWORD for browsers. Without credentials
 * configured (loopback only) everything is open; with them, anything else answers 401. An
 * address past its failures answers 429 until its window ends, its credentials unchecked. A
 * request with no Authorization header is no guess (a browser sends one first to be asked for
 * them) and does not count.
 */
export function adminAuth(http: AppConfig['http'], limits: Partial<FailureLimits> = {}, logger?: Logger) {
  const all = { ...FAILURE_LIMITS, ...limits };
  const failures = failureTable(all);
  const logRefusal = logger ? throttledLog(logger, 'warn', 'admin sign-in refused', { everyMs: 60_000, perWindow: REFUSALS_LOGGED_PER_MINUTE, now: all.now }) : undefined;
  /** A refused sign-in, at warn: whence, where to, and as whom (the scheme alone for a token). */
  const refused = (req: Request, reason: 'unauthorized' | 'too-many-attempts', header: string): void => {
    const user = triedUser(header, http);
    const scheme = (header.trim().split(/\s+/, 1)[0] ?? '').slice(0, 16).toLowerCase();
    logRefusal?.({ reason, client: req.ip ?? req.socket.remoteAddress ?? '', path: req.originalUrl.split('?')[0] ?? '', scheme, ...(user !== undefined ? { user } : {}) });
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!hasAdminCredentials(http)) {
      next();
      return;
    }
    // req.ip: the socket's address, or the client a trusted proxy names (HTTP_TRUSTED_PROXIES).
    const address = clientKey(req.ip ?? req.socket.remoteAddress ?? '');
    const header = req.get('authorization') ?? '';
    const wait = failures.refusedFor(address);
    if (wait > 0) {
      refused(req, 'too-many-attempts', header);
      res.set('Retry-After', String(Math.max(1, Math.ceil(wait / 1000))));
      sendError(res, 429, 'too-many-attempts', 'Too many failed sign-ins from this address; try again after Retry-After seconds.');
      return;
    }
    const [scheme, value = ''] = header.split(/\s+/, 2);
    const lower = (scheme ?? '').toLowerCase();
    if (lower === 'bearer' && http.adminToken && safeEqual(value, http.adminToken.reveal())) {
      next();
      return;
    }
    if (lower === 'basic' && http.adminUser !== undefined && http.adminPassword) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = colon < 0 ? decoded : decoded.slice(0, colon);
      const password = colon < 0 ? '' : decoded.slice(colon + 1);
      // Both compared every time, so the answer takes as long whichever is wrong.
      const userOk = safeEqual(user, http.adminUser);
      const passwordOk = safeEqual(password, http.adminPassword.reveal());
      if (userOk && passwordOk) {
        next();
        return;
      }
    }
    if (header.trim() !== '') {
      failures.failed(address);
      refused(req, 'unauthorized', header);
    }
    res.set('WWW-Authenticate', 'Basic realm="okta-wfm-sync", charset="UTF-8"');
    sendError(res, 401, 'unauthorized', 'Send ADMIN_TOKEN as a bearer token, or basic auth with ADMIN_USER and ADMIN_PASSWORD.');
  };
}
