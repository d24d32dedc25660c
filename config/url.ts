import { isIP } from 'node:net';

/** Loopback hosts, the only ones allowed over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/**
 * Returns a problem description, or undefined when the URL is acceptable as a service base URL.
 * Plain http is for loopback hosts, unless `plainHttp` (ALLOW_PLAIN_HTTP: a test service on a
 * private network): the credentials would cross the network in the clear.
 */
export function checkServiceUrl(value: string, plainHttp = false): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a valid URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return plainHttp || isLoopbackHost(url.hostname) ? undefined : 'must use https:// (http:// is accepted only for loopback hosts, or for any host with ALLOW_PLAIN_HTTP=true)';
  }
  return 'must be an https:// URL';
}

/** Removes trailing slashes so joined paths never double them. */
export function stripTrailingSlash(value: string): string {
  return value.replace(/\/+$/, '');
}

/** Okta's own domains, where an org's admin console is the org's host with -admin. */
const OKTA_DOMAIN = /^([a-z0-9-]+?)-admin\.(okta\.com|oktapreview\.com|okta-emea\.com|okta-gov\.com|okta\.mil)$/i;
/** Pages of the admin console and the end-user dashboard, as a browser's address bar shows them. */
const CONSOLE_PATH = /^\/(admin|enduser|app\/UserHome)(\/|$)/i;

/**
 * Whether an Okta org URL was pasted from a browser: an admin console host (acme-admin.okta.com)
 * or a console or dashboard page (/admin/..., /app/UserHome, /enduser/...). Answers the org URL
 * most likely meant (without -admin and the path), else undefined. Any other path is a proxy's
 * prefix, kept on purpose; a custom domain keeps its name.
 */
export function oktaConsoleUrl(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  const admin = OKTA_DOMAIN.exec(url.hostname);
  if (!admin && !CONSOLE_PATH.test(url.pathname)) return undefined;
  // url.host keeps the port (and an IPv6 address's brackets); an Okta host has no port to keep.
  return `${url.protocol}//${admin ? `${admin[1] ?? ''}.${admin[2] ?? ''}` : url.host}`;
}
