import type { ScimPage } from '../../clients/scim-list-page';
import { pageThrough } from '../../clients/scim-paging';

type Item = { id: string };
const ids = (from: number, to: number): Item[] => Array.from({ length: to - from + 1 }, (_, i) => ({ id: `u${from + i}` }));

/**
 * A server of `users` users at `size` a page. Past the end it answers `pastEnd`: nothing, as RFC
 * 7644 §3.4.2.4 has it, or its first page again, as some servers do.
 */
function server(users: number, size: number, pastEnd: 'empty' | 'first-page', total = users) {
  const asked: number[] = [];
  const all = ids(1, users);
  const fetchPage = async (startIndex: number): Promise<ScimPage<Item>> => {
    asked.push(startIndex);
    const page = all.slice(startIndex - 1, startIndex - 1 + size);
    return { total, resources: page.length > 0 || pastEnd === 'empty' ? page : all.slice(0, size) };
  };
  return { asked, fetchPage };
}

describe('paging a SCIM listing', () => {
  it('asks once past a full last page, and ends on the empty answer', async () => {
    const s = server(10, 5, 'empty');
    expect(await pageThrough('listing', 'all', 5, s.fetchPage)).toEqual(ids(1, 10));
    expect(s.asked).toEqual([1, 6, 11]);
  });

  it('ends as well when the server answers its first page again past the end', async () => {
    const s = server(10, 5, 'first-page');
    expect(await pageThrough('listing', 'all', 5, s.fetchPage)).toEqual(ids(1, 10));
    expect(s.asked).toEqual([1, 6, 11]);
    const search = server(4, 2, 'first-page');
    expect(await pageThrough('search', 'search', 2, search.fetchPage)).toEqual(ids(1, 4));
  });

  it('still refuses an earlier page answered again before the end, or past a totalResults too low', async () => {
    const repeats = async (startIndex: number): Promise<ScimPage<Item>> => ({ total: 10, resources: startIndex === 6 ? ids(1, 5) : ids(startIndex, startIndex + 4) });
    await expect(pageThrough('listing', 'all', 5, repeats)).rejects.toMatchObject({ kind: 'incomplete', message: expect.stringMatching(/startIndex=6 with its first page again/) });
    const repeatsSecond = async (startIndex: number): Promise<ScimPage<Item>> => ({ total: 15, resources: startIndex === 11 ? ids(6, 10) : ids(startIndex, startIndex + 4) });
    await expect(pageThrough('listing', 'all', 5, repeatsSecond)).rejects.toMatchObject({ kind: 'incomplete', message: expect.stringMatching(/returned user id u6 twice/) });
    const low = server(10, 5, 'first-page', 5);
    await expect(pageThrough('listing', 'all', 5, low.fetchPage)).rejects.toMatchObject({ kind: 'incomplete', message: expect.stringMatching(/cannot be trusted/) });
  });

  it('names a server that answers its first page again before the end: it does not page by startIndex', async () => {
    const all = ids(1, 12);
    const firstOnly = async (): Promise<ScimPage<Item>> => ({ total: 12, resources: all.slice(0, 5) });
    await expect(pageThrough('listing', 'all', 5, firstOnly)).rejects.toMatchObject({
      kind: 'incomplete',
      message: expect.stringMatching(/^WFM SCIM listing answered startIndex=6 with its first page again \(5 of the 12 users announced\): it does not page by startIndex; set WFM_READ_MODE=lookup .*: the listing cannot be trusted$/) as unknown,
    });
    // A search is what WFM_READ_MODE=lookup does already: not advised there.
    await expect(pageThrough('search by userName', 'search', 5, firstOnly)).rejects.toThrow(/^WFM SCIM search by userName answered startIndex=6 with its first page again \(5 of the 12 users announced\): it does not page by startIndex: the listing cannot be trusted$/);
  });

  it('refuses a listing whose totalResults falls between pages: users removed meanwhile shift the rest past the cursor unseen', async () => {
    const all = ids(1, 10);
    const shrinking = async (startIndex: number): Promise<ScimPage<Item>> => {
      if (startIndex > 1 && all.length === 10) all.splice(2, 1); // u3 goes after the first page: u6 moves to page one
      return { total: all.length, resources: all.slice(startIndex - 1, startIndex + 4) };
    };
    await expect(pageThrough('listing', 'all', 5, shrinking)).rejects.toMatchObject({ kind: 'incomplete', message: expect.stringMatching(/totalResults fell from 10 to 9 between pages/) });
    const growing = [...ids(1, 10)];
    const appended = async (startIndex: number): Promise<ScimPage<Item>> => {
      if (startIndex > 1 && growing.length === 10) growing.push({ id: 'u11' });
      return { total: growing.length, resources: growing.slice(startIndex - 1, startIndex + 4) };
    };
    expect(await pageThrough('listing', 'all', 5, appended)).toEqual(ids(1, 11));
  });

  it("a listing whose totalResults is each page's own count is read twice: taken when both reads list the same users, refused otherwise", async () => {
    const all = ids(1, 12);
    let reads = 0;
    const ownCounts = async (startIndex: number): Promise<ScimPage<Item>> => {
      if (startIndex === 1) reads += 1;
      const page = all.slice(startIndex - 1, startIndex + 4);
      return { total: page.length, resources: page };
    };
    expect(await pageThrough('listing', 'all', 5, ownCounts)).toEqual(ids(1, 12));
    expect(reads).toBe(2);
    // u3 removed while the first read was past it: u6 moved back to the first page unseen, and
    // the second read lists it.
    reads = 0;
    const removing = async (startIndex: number): Promise<ScimPage<Item>> => {
      if (startIndex === 6 && reads === 1 && all.length === 12) all.splice(2, 1);
      return ownCounts(startIndex);
    };
    await expect(pageThrough('listing', 'all', 5, removing)).rejects.toMatchObject({ kind: 'incomplete', message: "WFM SCIM listing announced each page's own count as totalResults, and listed other users when read again: the listing cannot be trusted" });
    // A search is not read so: its one page of a few users is its whole answer, and a later page
    // announcing its own count is refused as before.
    const search = async (startIndex: number): Promise<ScimPage<Item>> => ({ total: startIndex === 1 ? 5 : 2, resources: startIndex === 1 ? ids(1, 5) : ids(6, 7) });
    await expect(pageThrough('search', 'search', 5, search)).rejects.toMatchObject({ kind: 'incomplete', message: expect.stringMatching(/totalResults fell from 5 to 2/) });
  });

  it('a search whose pages run out short of its totalResults is whole only when that total is the whole collection', async () => {
    // One match, announced as 25 (the collection's size), then an empty page.
    const oneOf25 = async (startIndex: number): Promise<ScimPage<Item>> => ({ total: 25, resources: startIndex === 1 ? ids(7, 7) : [] });
    const asked: number[] = [];
    const collectionOf = (size: number) => async (announced: number): Promise<boolean> => {
      asked.push(announced);
      return announced === size;
    };
    expect(await pageThrough('search', 'search', 10, oneOf25, { totalIsCollection: collectionOf(25) })).toEqual(ids(7, 7));
    expect(asked).toEqual([25]);
    await expect(pageThrough('search', 'search', 10, oneOf25, { totalIsCollection: collectionOf(30) })).rejects.toMatchObject({ kind: 'incomplete', message: expect.stringMatching(/announced 25 users \(totalResults\) but returned 1/) });
    await expect(pageThrough('search', 'search', 10, oneOf25)).rejects.toMatchObject({ kind: 'incomplete' });
    // A listing is never judged so: its pages are every user.
    await expect(pageThrough('listing', 'all', 10, oneOf25, { totalIsCollection: collectionOf(25) })).rejects.toMatchObject({ kind: 'incomplete' });
  });

  it('a short listing stays the refusal it is when startIndex=0 is refused too, or finds no user more', async () => {
    // A compliant server short of its total (a user gone meanwhile): startIndex=0 reads as 1.
    const shortOne = async (startIndex: number): Promise<ScimPage<Item>> => ({ total: 6, resources: startIndex <= 1 ? ids(1, 5) : [] });
    await expect(pageThrough('listing', 'all', 5, shortOne)).rejects.toMatchObject({ kind: 'incomplete', message: expect.stringMatching(/announced 6 users \(totalResults\) but returned 5/) });
    const refusesZero = async (startIndex: number): Promise<ScimPage<Item>> => {
      if (startIndex === 0) throw new Error('400: startIndex must be at least 1');
      return shortOne(startIndex);
    };
    await expect(pageThrough('listing', 'all', 5, refusesZero)).rejects.toMatchObject({ kind: 'incomplete' });
    // Remembered as paging from 0, and short even so: the refusal, not an error of another kind.
    await expect(pageThrough('listing', 'all', 5, shortOne, { memory: { zeroBased: true } })).rejects.toMatchObject({ kind: 'incomplete' });
  });
});

