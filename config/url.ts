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
