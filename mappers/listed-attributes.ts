import type { ScimResource } from '../sync/types';
import { isRecord } from './scim-paths';

// Whether a WFM's listing holds as much of a user as GET /Users/{id} does. RFC 7644 §3.4.2 has a
// listing return each resource as GET would (same `returned` rules), but some servers list fewer
// attributes; an update merged into such a copy would drop what the listing left out.

/** Attributes that say nothing of the user's data: the server's own bookkeeping. */
const BOOKKEEPING = new Set(['id', 'meta', 'schemas']);

const held = (v: unknown): boolean => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

/**
 * The attributes a resource holds a value for, as paths: `title`, `name.givenName`, an extension's
 * `urn:...:User:manager`, a multi-valued attribute by its name (`emails`). Names compare without case.
 */
export function heldAttributes(resource: Readonly<ScimResource>): Set<string> {
  const paths = new Set<string>();
  for (const [key, value] of Object.entries(resource)) {
    if (BOOKKEEPING.has(key) || !held(value)) continue;
    if (isRecord(value)) {
      const sep = key.includes(':') ? ':' : '.';
      for (const [sub, subValue] of Object.entries(value)) if (held(subValue)) paths.add(`${key}${sep}${sub}`.toLowerCase());
    } else paths.add(key.toLowerCase());
  }
  return paths;
}

/** What a user as read alone (GET /Users/{id}) holds that its listed copy lacks, sorted. */
export function leftOutOfListing(listed: Readonly<ScimResource>, alone: Readonly<ScimResource>): string[] {
  const inListing = heldAttributes(listed);
  return [...heldAttributes(alone)].filter((p) => !inListing.has(p)).sort();
}
