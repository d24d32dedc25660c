import { SyncError } from './errors';
import { cursorInstead, pageByCursor, type CursorFetch, type CursorStart } from './scim-cursor-paging';
import { untrusted, type ScimPage } from './scim-list-page';

/**
 * How far to page: `all` (the whole listing) keeps asking while full pages come back, even past
 * the announced totalResults, so a total that is too low cannot end the listing early; `search`
 * (a lookup, usually 0 or 1 result) stops at the announced total once a page comes back short.
 */
export type PagingMode = 'all' | 'search';

const wrapsAround = (resources: readonly { id: string }[], seen: ReadonlySet<string>): boolean =>
  resources.length > 0 && resources.every((r) => seen.has(r.id));

/**
 * What a WFM that does not read startIndex shows: asked for a later page, it answers its first
 * page again (RFC 7644 §3.4.2.4 makes startIndex the 1-based index of the first result). Its
 * listing never gets past that page, whatever is asked. `listing` adds the setting that reads
 * each user by filter instead (a search is what that setting does already).
 */
export function firstPageAgain(startIndex: number, listed: number, total: number, listing: boolean): string {
  const hint = listing ? '; set WFM_READ_MODE=lookup (each user is then looked up by filter; off-boarding needs the listing)' : '';
  return `answered startIndex=${startIndex} with its first page again (${listed} of the ${total} users announced): it does not page by startIndex${hint}`;
}

/**
 * How a WFM pages, as learnt: `zeroBased` once it was found to read startIndex as a 0-based
 * offset; `cursor` once it was found to page by cursor (RFC 9865), which it is asked by from then on.
 */
export type PagingMemory = { zeroBased: boolean; cursor?: boolean };

export type PagingOptions<T> = {
  /**
   * A search whose pages ran out (an empty page) short of its totalResults: whether that total is
   * the whole collection's, as some servers announce on every search. Its results are then whole.
   */
  totalIsCollection?: (announced: number) => Promise<boolean>;
  /** Kept across listings of one client, so a server found to page from 0, or by cursor, is asked so from then on. */
  memory?: PagingMemory;
  /**
   * A page asked by `cursor` (RFC 9865), '' for the first one; `opening` when it opens a listing
   * asked by cursor from the start. Without it, a nextCursor is not followed and no server is
   * asked whether it pages by cursor.
   */
  byCursor?: CursorFetch<T>;
};
const isCursorStart = <T>(r: Listed<T> | CursorStart<T>): r is CursorStart<T> => 'fetch' in r;

/** One read of a listing by startIndex: `pageTotals` when its every page announced its own count as totalResults. */
type Listed<T> = { items: T[]; pageTotals: boolean };

/**
 * Pages through a SCIM ListResponse by startIndex and the number of resources actually returned
 * (servers cap `count`). Refuses what it cannot trust: an id seen twice, a totalResults that falls
 * between pages, or a number of resources that differs from the totalResults announced (too high or too low).
 *
 * A server that reads startIndex as a 0-based offset (a known bug of several implementations)
 * skips the first user and comes up short. Before refusing a short listing, the first page is
 * asked at startIndex 0: RFC 7644 §3.4.2.4 reads it as 1, so a server that answers a user not seen
 * pages from 0, and is read again so (and asked so from then on).
 *
 * A server that pages by cursor (RFC 9865) is read by cursor: one whose page carries `nextCursor`
 * (it may, unasked, when it pages by cursor alone), or one that answers its first page again when
 * asked past it and, asked once with an empty `cursor`, answers a nextCursor (one that ignores
 * startIndex, as IAM Identity Center does). Either is asked by cursor from then on.
 *
 * A listing whose every page announces its own count as totalResults (RFC 7644 §3.4.2 makes it
 * the count of every result; a SCIMMY 1.3 server that pages in its store can answer no other) has
 * no total to tell users moved past the cursor: it is read to its end twice, and trusted only
 * when both reads list the same users.
 */
export async function pageThrough<T extends { id: string }>(
  what: string,
  mode: PagingMode,
  pageSize: number,
  fetchPage: (startIndex: number) => Promise<ScimPage<T>>,
  opts: PagingOptions<T> = {},
): Promise<T[]> {
  const { memory, byCursor } = opts;
  if (byCursor && memory?.cursor) return pageByCursor(what, mode, { items: [], seen: new Set(), page: await byCursor('', true), fetch: byCursor }, opts.totalIsCollection);
  const settle = (read: T[] | CursorStart<T>): T[] | Promise<T[]> => {
    if (Array.isArray(read)) return read;
    if (memory) memory.cursor = true;
    return pageByCursor(what, mode, read, opts.totalIsCollection);
  };
  const fromZero = (startIndex: number): Promise<ScimPage<T>> => fetchPage(startIndex - 1);
  /** One read by startIndex (two of a listing whose pages announce their own counts), or where it goes on by cursor. */
  const read = async (fetch: (startIndex: number) => Promise<ScimPage<T>>): Promise<T[] | CursorStart<T>> => {
    const first = await pageOnce(what, mode, pageSize, fetch, opts);
    if (isCursorStart(first)) return first;
    if (!first.pageTotals) return first.items;
    const again = await pageOnce(what, mode, pageSize, fetch, opts);
    if (isCursorStart(again)) return again;
    const ids = new Set(first.items.map((u) => u.id));
    if (again.items.length !== ids.size || again.items.some((u) => !ids.has(u.id))) {
      throw untrusted(what, 'announced each page\'s own count as totalResults, and listed other users when read again');
    }
    return again.items;
  };
  /** A short listing leaves here as the refusal it is. */
  const once = (fetch: (startIndex: number) => Promise<ScimPage<T>>): Promise<T[]> =>
    read(fetch).then(settle, (err: unknown) => {
      throw err instanceof ShortListing ? err.refusal : err;
    });
  if (memory?.zeroBased) return once(fromZero);
  let result: T[] | CursorStart<T>;
  try {
    result = await read(fetchPage);
  } catch (err) {
    if (!(err instanceof ShortListing)) throw err;
    // A server that refuses startIndex=0 outright is not one that pages from it: the short listing stands.
    const first = await fetchPage(0).catch(() => undefined);
    if (first === undefined || !first.resources.some((r) => !err.seen.has(r.id))) throw err.refusal;
    const items = await once(fromZero);
    if (memory) memory.zeroBased = true;
    return items;
  }
  return settle(result);
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
  { totalIsCollection, byCursor }: PagingOptions<T>,
): Promise<Listed<T> | CursorStart<T>> {
  const items: T[] = [];
  /** Whether every page so far announced its own count as totalResults; told from the second page on. */
  let ownCounts = true;
  let pages = 0;
  const seen = new Set<string>();
  let startIndex = 1;
  let largest = 0;
  let announced = 0;
  let firstIds: ReadonlySet<string> = new Set();
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
    if (byCursor && page.nextCursor !== undefined) return { items, seen, page, fetch: byCursor };
    if (page.total === undefined) throw untrusted(what, 'announced no totalResults');
    // Asked past everything announced (to make sure nothing follows a full last page): a server
    // that answers an earlier page again, rather than none (RFC 7644 §3.4.2.4), has no more, unless
    // it ignores startIndex and pages by cursor: asked once so, it answers a nextCursor.
    if (items.length > 0 && items.length === page.total && wrapsAround(page.resources, seen)) {
      const byCursorInstead = await cursorInstead(byCursor);
      if (byCursorInstead) return byCursorInstead;
      break;
    }
    // Fewer users than a page ago: those removed meanwhile moved the rest back, some past the
    // cursor unseen, and the count would still add up. More is fine: new users come in at the end
    // or show up as an id seen twice.
    // A listing of pages that each announce their own count: no compliant server answers so a page
    // asked for after a first one (its total would count that first page too).
    pages += 1;
    ownCounts &&= page.total === page.resources.length;
    const pageTotals = mode === 'all' && ownCounts && pages > 1;
    if (!pageTotals && items.length > 0 && page.total < announced) throw untrusted(what, `totalResults fell from ${announced} to ${page.total} between pages`);
    // Its first page again, short of the total: a server that does not read startIndex, read whole
    // by cursor if it pages so (asked once), else refused for what it is.
    if (startIndex > 1 && items.length < page.total && wrapsAround(page.resources, firstIds)) {
      const byCursorInstead = await cursorInstead(byCursor);
      if (byCursorInstead) return byCursorInstead;
      throw untrusted(what, firstPageAgain(startIndex, items.length, page.total, mode === 'all'));
    }
    announced = page.total;
    for (const item of page.resources) {
      if (seen.has(item.id)) throw untrusted(what, `returned user id ${item.id} twice`);
      seen.add(item.id);
      items.push(item);
    }
    const n = page.resources.length;
    if (startIndex === 1) firstIds = new Set(page.resources.map((r) => r.id));
    if (n === 0) {
      if (mode === 'search' && items.length < announced && (await totalIsCollection?.(announced))) return { items, pageTotals: false };
      break;
    }
    startIndex += n;
    largest = Math.max(largest, n);
    const short = mode === 'all' ? n < largest : n < pageSize;
    if (startIndex > page.total && short) break;
  }
  if (mode === 'all' && ownCounts && pages > 1) return { items, pageTotals: true };
  if (items.length !== announced) {
    const refusal = untrusted(what, `announced ${announced} user${announced === 1 ? '' : 's'} (totalResults) but returned ${items.length}`);
    throw items.length < announced ? new ShortListing(refusal, seen) : refusal;
  }
  return { items, pageTotals: false };
}
