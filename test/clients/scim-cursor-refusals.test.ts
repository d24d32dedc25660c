// Paging by cursor (RFC 9865) in clients/scim-paging.ts: what is followed, what is refused, and
// when a server is asked whether it pages by cursor.
import { SyncError } from '../../clients/errors';
import type { CursorFetch } from '../../clients/scim-cursor-paging';
import type { ScimPage } from '../../clients/scim-list-page';
import { pageThrough, type PagingMemory } from '../../clients/scim-paging';

type Item = { id: string };
const ids = (from: number, to: number): Item[] => Array.from({ length: to - from + 1 }, (_, i) => ({ id: `u${from + i}` }));

/** A server paging `users` by cursor, `size` a page; cursor `c<n>` starts at user n+1. `total` is what it announces on each page. */
function cursorServer(users: number, size: number, total?: (page: Item[]) => number) {
  const asked: string[] = [];
  const all = ids(1, users);
  const page = (from: number): ScimPage<Item> => {
    const resources = all.slice(from, from + size);
    const more = from + size < users;
    return { resources, ...(more ? { nextCursor: `c${from + size}` } : {}), ...(total ? { total: total(resources) } : {}) };
  };
  const byCursor: CursorFetch<Item> = async (cursor) => {
    asked.push(cursor);
    return page(cursor === '' ? 0 : Number(cursor.slice(1)));
  };
  /** startIndex not read: every page asked so is the first, announcing its own length (IAM Identity Center). */
  const byIndex = async (startIndex: number): Promise<ScimPage<Item>> => {
    asked.push(`startIndex=${startIndex}`);
    const resources = all.slice(0, size);
    return { total: resources.length, resources };
  };
  return { asked, byCursor, byIndex, page };
}

const refusal = (status: number, scimType?: string) =>
  new SyncError(`WFM SCIM GET /Users answered ${status}`, { kind: status >= 500 ? 'transient' : 'invalid', service: 'wfm-scim', status, ...(scimType ? { scimType } : {}) });

describe('paging a SCIM listing by cursor', () => {
  it('follows the nextCursor a first page carries unasked, to the page without one, and asks by cursor from then on', async () => {
    const s = cursorServer(12, 5, () => 12);
    const memory: PagingMemory = { zeroBased: false };
    const first = async (startIndex: number) => {
      s.asked.push(`startIndex=${startIndex}`);
      return s.page(0);
    };
    expect(await pageThrough('listing', 'all', 5, first, { memory, byCursor: s.byCursor })).toEqual(ids(1, 12));
    expect(s.asked).toEqual(['startIndex=1', 'c5', 'c10']);
    expect(memory.cursor).toBe(true);
    s.asked.length = 0;
    expect(await pageThrough('listing', 'all', 5, first, { memory, byCursor: s.byCursor })).toEqual(ids(1, 12));
    expect(s.asked).toEqual(['', 'c5', 'c10']);
  });

  it('a server that ignores startIndex and announces its page length is asked once with an empty cursor, then read by it', async () => {
    const s = cursorServer(12, 5);
    expect(await pageThrough('listing', 'all', 5, s.byIndex, { byCursor: s.byCursor })).toEqual(ids(1, 12));
    expect(s.asked).toEqual(['startIndex=1', 'startIndex=6', '', 'c5', 'c10']);
  });

  it('such a server that answers no nextCursor, or refuses the cursor, has one page: the listing stands, one request more', async () => {
    const onePage = cursorServer(5, 5);
    expect(await pageThrough('listing', 'all', 5, onePage.byIndex, { byCursor: onePage.byCursor })).toEqual(ids(1, 5));
    expect(onePage.asked).toEqual(['startIndex=1', 'startIndex=6', '']);
    const refuses: CursorFetch<Item> = () => Promise.reject(refusal(400, 'invalidValue'));
    expect(await pageThrough('listing', 'all', 5, cursorServer(5, 5).byIndex, { byCursor: refuses })).toEqual(ids(1, 5));
    // Out of reach is not an answer: the listing fails rather than stand on a guess.
    const down: CursorFetch<Item> = () => Promise.reject(refusal(503));
    await expect(pageThrough('listing', 'all', 5, cursorServer(5, 5).byIndex, { byCursor: down })).rejects.toMatchObject({ kind: 'transient' });
  });

  it('refuses a nextCursor answered twice, whether the same one back at once or a loop, rather than page for ever', async () => {
    const same: CursorFetch<Item> = async (cursor) => ({ resources: cursor === '' ? ids(1, 2) : ids(3, 4), nextCursor: 'again' });
    await expect(pageThrough('listing', 'all', 2, async () => same('', true), { byCursor: same })).rejects.toMatchObject({
      kind: 'incomplete',
      message: expect.stringMatching(/listing answered a nextCursor it had answered before/),
    });
    let n = 0;
    const loop: CursorFetch<Item> = async (cursor) => {
      n += 1;
      return { resources: ids(n, n), nextCursor: cursor === 'a' ? 'b' : 'a' };
    };
    await expect(pageThrough('listing', 'all', 1, async () => loop('', true), { byCursor: loop })).rejects.toMatchObject({ kind: 'incomplete' });
    expect(n).toBeLessThan(5);
  });

  it('refuses a user id seen twice across cursor pages', async () => {
    const repeats: CursorFetch<Item> = async (cursor) => (cursor === '' ? { resources: ids(1, 3), nextCursor: 'x' } : { resources: ids(3, 4) });
    await expect(pageThrough('listing', 'all', 3, async () => repeats('', true), { byCursor: repeats })).rejects.toMatchObject({
      kind: 'incomplete',
      message: expect.stringMatching(/returned user id u3 twice/),
    });
  });

  it('refuses endless empty pages, each with a fresh nextCursor', async () => {
    let n = 0;
    const empty: CursorFetch<Item> = async () => ({ resources: [], nextCursor: `e${(n += 1)}` });
    await expect(pageThrough('listing', 'all', 5, async () => empty('', true), { byCursor: empty })).rejects.toMatchObject({ kind: 'incomplete', message: expect.stringMatching(/10 pages in a row without users/) });
  });

  it.each([['expiredCursor'], ['invalidCursor']])('a cursor refused with 400 %s leaves the listing incomplete (read again from the start), not invalid', async (scimType) => {
    const expires: CursorFetch<Item> = async (cursor) => {
      if (cursor !== '') throw refusal(400, scimType);
      return { resources: ids(1, 5), nextCursor: 'c5' };
    };
    await expect(pageThrough('listing', 'all', 5, async () => expires('', true), { byCursor: expires })).rejects.toMatchObject({
      kind: 'incomplete',
      message: expect.stringMatching(new RegExp(`refused its own nextCursor \\(${scimType}\\)`)),
    });
  });

  it('refuses a last page announcing more users than were returned; a total of the page alone is no refusal', async () => {
    const high = cursorServer(7, 5, () => 9);
    await expect(pageThrough('listing', 'all', 5, async () => high.page(0), { byCursor: high.byCursor })).rejects.toMatchObject({
      kind: 'incomplete',
      message: expect.stringMatching(/announced 9 users \(totalResults\) but returned 7/),
    });
    const ownLength = cursorServer(7, 5, (page) => page.length);
    expect(await pageThrough('listing', 'all', 5, async () => ownLength.page(0), { byCursor: ownLength.byCursor })).toEqual(ids(1, 7));
  });
});
