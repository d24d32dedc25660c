import { SyncError } from './errors';

export type ScimPage<T> = { total: number; resources: T[] };

/**
 * How far to page: `all` (the whole listing) keeps asking while full pages come back, even past
 * the announced totalResults, so a total that is too low cannot end the listing early; `search`
 * (a lookup, usually 0 or 1 result) stops at the announced total once a page comes back short.
 */
export type PagingMode = 'all' | 'search';

function untrusted(what: string, detail: string): SyncError {
  return new SyncError(`WFM SCIM ${what} ${detail}: the listing cannot be trusted`, { kind: 'incomplete', service: 'wfm-scim' });
}

const wrapsAround = (resources: readonly { id: string }[], seen: ReadonlySet<string>): boolean =>
  resources.length > 0 && resources.every((r) => seen.has(r.id));

/**
 * Pages through a SCIM ListResponse by startIndex and the number of resources actually returned
 * (servers cap `count`). Refuses what it cannot trust: an id seen twice, a totalResults that falls
 * between pages, or a number of resources that differs from the totalResults announced (too high or too low).
 */
export async function pageThrough<T extends { id: string }>(
  what: string,
  mode: PagingMode,
  pageSize: number,
  fetchPage: (startIndex: number) => Promise<ScimPage<T>>,
  /**
   * A search whose pages ran out (an empty page) short of its totalResults: whether that total is
   * the whole collection's, as some servers announce on every search. Its results are then whole.
   */
  totalIsCollection?: (announced: number) => Promise<boolean>,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let startIndex = 1;
  let largest = 0;
  let announced = 0;
  for (;;) {
    const page = await fetchPage(startIndex).catch((err: unknown) => {
      // Asked past everything announced after a full page: RFC 7644 says nothing of that answer,
      // and some servers refuse the index (400, 404) rather than send an empty page. Every user
      // announced came back, so the listing is whole.
      const pastTheEnd = mode === 'all' && items.length > 0 && items.length === announced && startIndex > announced;
      if (pastTheEnd && err instanceof SyncError && (err.status === 400 || err.status === 404)) return undefined;
      throw err;
    });
    if (page === undefined) break;
    // Asked past everything announced (to make sure nothing follows a full last page): a server
    // that answers an earlier page again, rather than none (RFC 7644 §3.4.2.4), has no more.
    if (items.length > 0 && items.length === page.total && wrapsAround(page.resources, seen)) break;
    // Fewer users than a page ago: those removed meanwhile moved the rest back, some past the
    // cursor unseen, and the count would still add up. More is fine: new users come in at the end
    // or show up as an id seen twice.
    if (items.length > 0 && page.total < announced) throw untrusted(what, `totalResults fell from ${announced} to ${page.total} between pages`);
    announced = page.total;
    for (const item of page.resources) {
      if (seen.has(item.id)) throw untrusted(what, `returned user id ${item.id} twice`);
      seen.add(item.id);
      items.push(item);
    }
    const n = page.resources.length;
    if (n === 0) {
      if (mode === 'search' && items.length < announced && (await totalIsCollection?.(announced))) return items;
      break;
    }
    startIndex += n;
    largest = Math.max(largest, n);
    const short = mode === 'all' ? n < largest : n < pageSize;
    if (startIndex > page.total && short) break;
  }
  if (items.length !== announced) {
    throw untrusted(what, `announced ${announced} user${announced === 1 ? '' : 's'} (totalResults) but returned ${items.length}`);
  }
  return items;
}
