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

/** How a WFM pages, as learnt: `zeroBased` once it was found to read startIndex as a 0-based offset. */
export type PagingMemory = { zeroBased: boolean };

export type PagingOptions = {
  /**
   * A search whose pages ran out (an empty page) short of its totalResults: whether that total is
   * the whole collection's, as some servers announce on every search. Its results are then whole.
   */
  totalIsCollection?: (announced: number) => Promise<boolean>;
  /** Kept across listings of one client, so a server found to page from 0 is asked so from then on. */
  memory?: PagingMemory;
};

/**
 * Pages through a SCIM ListResponse by startIndex and the number of resources actually returned
 * (servers cap `count`). Refuses what it cannot trust: an id seen twice, a totalResults that falls
 * between pages, or a number of resources that differs from the totalResults announced (too high or too low).
 *
 * A server that reads startIndex as a 0-based offset (a known bug of several implementations)
 * skips the first user and comes up short. Before refusing a short listing, the first page is
 * asked at startIndex 0: RFC 7644 §3.4.2.4 reads it as 1, so a server that answers a user not seen
 * pages from 0, and is read again so (and asked so from then on).
 */
export async function pageThrough<T extends { id: string }>(
  what: string,
  mode: PagingMode,
  pageSize: number,
  fetchPage: (startIndex: number) => Promise<ScimPage<T>>,
  opts: PagingOptions = {},
): Promise<T[]> {
  const { memory } = opts;
  const fromZero = (startIndex: number): Promise<ScimPage<T>> => fetchPage(startIndex - 1);
  /** A short listing leaves here as the refusal it is. */
  const once = (fetch: (startIndex: number) => Promise<ScimPage<T>>): Promise<T[]> =>
    pageOnce(what, mode, pageSize, fetch, opts.totalIsCollection).catch((err: unknown) => {
      throw err instanceof ShortListing ? err.refusal : err;
    });
  if (memory?.zeroBased) return once(fromZero);
  try {
    return await pageOnce(what, mode, pageSize, fetchPage, opts.totalIsCollection);
  } catch (err) {
    if (!(err instanceof ShortListing)) throw err;
    // A server that refuses startIndex=0 outright is not one that pages from it: the short listing stands.
    const first = await fetchPage(0).catch(() => undefined);
    if (first === undefined || !first.resources.some((r) => !err.seen.has(r.id))) throw err.refusal;
    const items = await once(fromZero);
    if (memory) memory.zeroBased = true;
    return items;
  }
}

/** A listing that came back with fewer users than it announced, with the ids it did return. */
class ShortListing extends Error {
  constructor(
    readonly refusal: SyncError,
    readonly seen: ReadonlySet<string>,
  ) {
    super(refusal.message);
  }
}

async function pageOnce<T extends { id: string }>(
  what: string,
  mode: PagingMode,
  pageSize: number,
  fetchPage: (startIndex: number) => Promise<ScimPage<T>>,
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
    const refusal = untrusted(what, `announced ${announced} user${announced === 1 ? '' : 's'} (totalResults) but returned ${items.length}`);
    throw items.length < announced ? new ShortListing(refusal, seen) : refusal;
  }
  return items;
}
