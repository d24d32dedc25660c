import { timingSafeEqual, createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '../config/load-config';
import { isLoopbackHost } from '../config/url';

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

/**
 * Bearer ADMIN_TOKEN, or basic ADMIN_USER/ADMIN_PASSWORD for browsers. Without credentials
 * configured (loopback only) everything is open; with them, anything else answers 401.
 */
export function adminAuth(http: AppConfig['http']) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!hasAdminCredentials(http)) {
      next();
      return;
    }
    const header = req.get('authorization') ?? '';
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
    res.set('WWW-Authenticate', 'Basic realm="okta-wfm-sync", charset="UTF-8"');
    res.status(401).json({ error: 'unauthorized', message: 'Send ADMIN_TOKEN as a bearer token, or basic auth with ADMIN_USER and ADMIN_PASSWORD.' });
  };
}
