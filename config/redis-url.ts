/**
 * REDIS_URL: one redis:// or rediss:// URL, or (with REDIS_CLUSTER) a comma-separated list of a
 * cluster's seed nodes. A list is split only before a scheme, so a comma in a password stays in
 * its URL.
 */
export function splitRedisUrls(value: string): string[] {
  return value
    .trim()
    .replace(/[\s,]+$/, '')
    .split(/\s*,[\s,]*(?=rediss?:\/\/)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const SCHEME = /^rediss?:\/\/[^\s]+$/;

/** A comma in the host part (after any user:password@): list items written without their scheme. */
function commaInHost(url: string): boolean {
  const authority = url.replace(/^rediss?:\/\//, '').split(/[/?#]/)[0] ?? '';
  return authority.slice(authority.lastIndexOf('@') + 1).includes(',');
}

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * The problem with REDIS_URL's URLs, or undefined when they are usable. Nodes of one cluster are
 * reached the same way, so the URLs of a list share one scheme and one user and password. A
 * message never repeats a URL: it may hold a password.
 */
export function checkRedisUrls(urls: readonly string[]): string | undefined {
  if (urls.length === 0) return 'must be a redis:// or rediss:// URL';
  const parsed: URL[] = [];
  for (const [i, url] of urls.entries()) {
    const which = urls.length > 1 ? `URL ${i + 1} of the list ` : '';
    if (!SCHEME.test(url)) return `${which}must be a redis:// or rediss:// URL`;
    if (commaInHost(url)) return `${which}holds a comma in its host: start every URL of a list with redis:// or rediss://, e.g. redis://10.0.0.1:6379,redis://10.0.0.2:6379`;
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return `${which}is not a valid URL`;
    }
    // The path selects a database by its number; anything else would not select one at all.
    if (!/^\/?(\d+)?$/.test(u.pathname)) return `${which}must end at the host and port, or at a database number (redis://host:6379/0)`;
    parsed.push(u);
  }
  const [first, ...rest] = parsed;
  if (first === undefined) return undefined;
  if (rest.some((u) => u.protocol !== first.protocol)) return 'mixes redis:// and rediss:// URLs: the URLs of a list must all use one scheme';
  const credentials = (u: URL): string => `${decoded(u.username)}\n${decoded(u.password)}`;
  if (rest.some((u) => credentials(u) !== credentials(first))) return 'the URLs of a list must hold the same user and password (those of the cluster)';
  return undefined;
}
