import { SyncError } from './errors';
import { untrusted, type ScimPage } from './scim-list-page';
import type { PagingMode } from './scim-paging';

// Cursor paging of a SCIM listing (RFC 9865), for clients/scim-paging.ts: how a listing asked by
// startIndex goes on by cursor, and how one asked by cursor is followed to its end.

/** A page asked by `cursor`, '' for the first one; `opening` when it opens a listing asked by cursor from the start. */
export type CursorFetch<T> = (cursor: string, opening: boolean) => Promise<ScimPage<T>>;

/** Where paging goes on by cursor: the users read before `page`, and `page`, which carries the first nextCursor. */
export type CursorStart<T> = { items: T[]; seen: Set<string>; page: ScimPage<T>; fetch: CursorFetch<T> };

/**
 * The first page asked with an empty cursor, or undefined when the server refuses that (it does
 * not page by cursor). A server out of reach, or refusing the credentials, fails the listing.
 */
export async function firstByCursor<T>(byCursor: CursorFetch<T>): Promise<ScimPage<T> | undefined> {
  try {
    return await byCursor('', false);
  } catch (err) {
    if (!(err instanceof SyncError) || err.kind === 'transient' || err.kind === 'auth') throw err;
    return undefined;
  }
}

/** Where a listing that does not go on by startIndex goes on by cursor, if the server answers one: asked once. */
export async function cursorInstead<T>(byCursor: CursorFetch<T> | undefined): Promise<CursorStart<T> | undefined> {
  if (!byCursor) return undefined;
  const first = await firstByCursor(byCursor);
  return first?.nextCursor !== undefined ? { items: [], seen: new Set(), page: first, fetch: byCursor } : undefined;
}

/** Pages in a row without a user, each with a nextCursor, before a listing by cursor is refused rather than followed on. */
const EMPTY_CURSOR_PAGES = 10;
/** RFC 9865 §2.2: a cursor refused as not valid, or no longer valid; the listing is to start again. */
const CURSOR_REFUSALS = new Set(['invalidcursor', 'expiredcursor']);

/**
 * Follows nextCursor to the page without one (RFC 9865: the last). Refuses an id seen twice, a
 * nextCursor given before (the pages would go round for ever), a run of empty pages, a cursor the
 * server refuses (400 invalidCursor or expiredCursor: the listing is read again from the start),
 * and a last page announcing more users (totalResults) than were returned. A total lower than the
 * users returned is not refused: RFC 9865 ends a listing by nextCursor alone, and some servers
 * announce the page's own length there.
 */
export async function pageByCursor<T extends { id: string }>(
  what: string,
  mode: PagingMode,
  start: CursorStart<T>,
  totalIsCollection?: (announced: number) => Promise<boolean>,
): Promise<T[]> {
  const items = [...start.items];
  const seen = new Set(start.seen);
  const cursors = new Set<string>();
  let page = start.page;
  let empty = 0;
  for (;;) {
    for (const item of page.resources) {
      if (seen.has(item.id)) throw untrusted(what, `returned user id ${item.id} twice`);
      seen.add(item.id);
      items.push(item);
    }
    empty = page.resources.length === 0 ? empty + 1 : 0;
    const next = page.nextCursor;
    if (next === undefined) break;
    if (cursors.has(next)) throw untrusted(what, 'answered a nextCursor it had answered before (paging by it would not end)');
    if (empty >= EMPTY_CURSOR_PAGES) throw untrusted(what, `answered ${empty} pages in a row without users, each with a nextCursor`);
    cursors.add(next);
    page = await start.fetch(next, false).catch((err: unknown) => {
      if (!(err instanceof SyncError && err.status === 400 && CURSOR_REFUSALS.has(err.scimType?.toLowerCase() ?? ''))) throw err;
      throw untrusted(what, `refused its own nextCursor (${err.scimType})`);
    });
  }
  const announced = page.total;
  if (announced === undefined || items.length >= announced) return items;
  if (mode === 'search' && (await totalIsCollection?.(announced))) return items;
  throw untrusted(what, `announced ${announced} user${announced === 1 ? '' : 's'} (totalResults) but returned ${items.length}`);
}
