import { SyncError, type Service } from './errors';

/**
 * An opaque id as one URL path segment. Percent-encoding keeps `/`, `?`, `#` and `%` inside the
 * segment; `.` and `..` are refused, since URL parsing (WHATWG, which axios uses) resolves them
 * as dot segments whether encoded or not, so such an id would address another path.
 */
export function pathSegment(id: string, service: Service): string {
  if (id === '' || id === '.' || id === '..') {
    throw new SyncError(`the id ${JSON.stringify(id)} cannot be used in a URL path: not sent`, { kind: 'invalid', service });
  }
  return encodeURIComponent(id);
}
