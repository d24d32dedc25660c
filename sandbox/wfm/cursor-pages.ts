// Cursor paging of GET /Users (RFC 9865), with `config.pagination: 'cursor'`, as IAM Identity
// Center's SCIM pages: startIndex is not read. Asked without `cursor`, the listing answers its first
// `count` users in the plain format (totalResults, startIndex, itemsPerPage; totalResults is the
// page's own length) and no nextCursor. Asked with `cursor` (empty for the first page), it answers
// itemsPerPage, the users, and nextCursor unless the page is the last, without totalResults.
import { randomBytes } from 'node:crypto';
import type { Reply, RequestContext } from './http-io';
import { scimFail, scimOk } from './http-io';
import { LIST_RESPONSE_URN } from './schema';
import type { StoredUser, WfmState } from './state';

/** The cursors this WFM issued: where each one's page starts (a position in creation order) and the filter it pages. */
export type CursorBook = Map<string, { filter: string | null; from: number }>;

export const createCursorBook = (): CursorBook => new Map();

/** `count` as RFC 9865 has it, a positive integer, capped at maxPageSize. */
const countParam = (query: URLSearchParams, maxPageSize: number): number => {
  const raw = query.get('count');
  if (raw === null || raw === '') return maxPageSize;
  if (!/^\+?\d+$/.test(raw) || Number(raw) < 1) throw scimFail(400, `'count' must be an integer from 1 to ${maxPageSize}`, 'invalidValue');
  return Math.min(Number(raw), maxPageSize);
};

/** Where the page asked by `cursor` starts; a cursor not issued here, or issued for another filter, is refused. */
const startOf = (book: CursorBook, cursor: string, filter: string | null): number => {
  if (cursor === '') return 0;
  const issued = book.get(cursor);
  if (!issued || issued.filter !== filter) {
    throw scimFail(400, 'The cursor is not valid: send it empty for the first page, then the nextCursor of the page before', 'invalidCursor');
  }
  return issued.from;
};

/** GET /Users on a WFM paging by cursor; `matching`: the users the filter selects, in creation order. */
export const cursorPage = (ctx: RequestContext, state: WfmState, book: CursorBook, matching: StoredUser[]): Reply => {
  const filter = ctx.query.get('filter');
  const cursor = ctx.query.get('cursor');
  const count = countParam(ctx.query, state.config.maxPageSize);
  if (cursor === null) {
    const page = matching.slice(0, count).map(state.toResource);
    return scimOk(200, { schemas: [LIST_RESPONSE_URN], totalResults: page.length, startIndex: 1, itemsPerPage: page.length, Resources: page });
  }
  const from = startOf(book, cursor, filter);
  const order = new Map(state.records().map((user, at) => [user.id, at]));
  const at = (user: StoredUser): number => order.get(user.id) ?? -1;
  const rest = matching.filter((user) => at(user) >= from);
  const page = rest.slice(0, count);
  const last = page[page.length - 1];
  let nextCursor: string | undefined;
  if (last !== undefined && rest.length > page.length) {
    nextCursor = randomBytes(12).toString('base64url');
    book.set(nextCursor, { filter, from: at(last) + 1 });
  }
  const resources = page.map(state.toResource);
  return scimOk(200, { schemas: [LIST_RESPONSE_URN], itemsPerPage: resources.length, ...(nextCursor ? { nextCursor } : {}), Resources: resources });
};
