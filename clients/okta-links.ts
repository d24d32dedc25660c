/**
 * Reads the `next` link of a paged Okta answer (RFC 8288 Link header). Okta sends absolute links,
 * `self` and `next` as two headers; a server may as well join them in one header, send `next`
 * alone, quote the relation or not, or give a reference relative to the page it answers. The
 * SDK's own reading fails on a header over 2,000 characters (a long filter in both links is
 * enough: its parser answers null, which its collection then dereferences) and sends a relative
 * link as it is, to no host: either way the listing fails.
 */

/** The link-values of a Link header (one header, or several joined with commas), each `<uri>; params`. */
function linkValues(header: string): string[] {
  const values: string[] = [];
  let start = 0;
  let inUri = false;
  let inQuote = false;
  for (let i = 0; i < header.length; i += 1) {
    const c = header[i];
    if (inQuote) {
      if (c === '\\') i += 1;
      else if (c === '"') inQuote = false;
    } else if (inUri) {
      if (c === '>') inUri = false;
    } else if (c === '<') {
      inUri = true;
    } else if (c === '"') {
      inQuote = true;
    } else if (c === ',') {
      values.push(header.slice(start, i));
      start = i + 1;
    }
  }
  values.push(header.slice(start));
  return values.map((v) => v.trim()).filter((v) => v !== '');
}

/** The relation types a link-value names (`rel="next"`, `rel=next`, `rel="next last"`), lower case. */
function relsOf(params: string): string[] {
  const m = /(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
  const value = m?.[1] ?? m?.[2] ?? '';
  return value.toLowerCase().split(/\s+/).filter((r) => r !== '');
}

/**
 * The `next` link, or undefined when there is none (the last page). An absolute link is kept as it
 * is; a relative reference is resolved against `pageUrl`, the URL of the page the header came with.
 */
export function nextLinkOf(header: string | null | undefined, pageUrl: string): string | undefined {
  if (header === null || header === undefined) return undefined;
  for (const value of linkValues(header)) {
    const m = /^<([^>]*)>(.*)$/s.exec(value);
    if (!m || !relsOf(m[2] ?? '').includes('next')) continue;
    const target = (m[1] ?? '').trim();
    if (URL.canParse(target)) return target; // absolute: followed as it is
    return URL.canParse(target, pageUrl) ? new URL(target, pageUrl).toString() : target; // else the origin check refuses it
  }
  return undefined;
}

/**
 * A next link moved onto OKTA_ORG_URL: one Okta answered on another origin (a custom domain, a
 * proxy, the host name a server knows itself by, http behind a TLS front) keeps its path and query
 * as written (the fragment aside) on the origin the credentials are for, under OKTA_ORG_URL's path
 * when it has one and the link's path is not there already (`{path}/api/...`). The token never
 * goes to the other origin. `from` is that origin, when the link moved; a link that cannot be read
 * stays as it is, and the origin check refuses it.
 */
export function onOrgUrl(link: string, orgUrl: string): { url: string; from?: string } {
  if (!URL.canParse(link) || !URL.canParse(orgUrl)) return { url: link };
  const target = new URL(link);
  const org = new URL(orgUrl);
  if (target.origin === org.origin) return { url: link };
  const rest = link.replace(/^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i, '').replace(/#.*$/s, '');
  const base = org.pathname.replace(/\/+$/, '');
  const underBase = base !== '' && (rest.startsWith(`${base}/api/`) || rest.startsWith(`${base}/oauth2/`));
  return { url: `${org.origin}${underBase ? '' : base}${rest}`, from: target.origin };
}
