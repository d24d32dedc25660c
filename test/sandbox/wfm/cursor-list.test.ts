// The sandbox WFM paging by cursor alone (config.pagination 'cursor'): RFC 9865 as IAM Identity
// Center's SCIM implements it.
import { main } from '../../../sandbox/wfm/main';
import type { Harness } from './helpers';
import { ERROR_URN, filterQuery, startHarness, userBody } from './helpers';

type CursorBody = { totalResults?: number; startIndex?: number; itemsPerPage: number; nextCursor?: string; Resources: Array<{ userName: string }> };

describe('sandbox WFM: GET /Users paged by cursor', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ maxPageSize: 3, pagination: 'cursor' });
    for (let i = 1; i <= 7; i += 1) h.sandbox.state.seedUser(userBody(i));
  });
  afterAll(() => h.sandbox.close());
  const page = async (query: string): Promise<CursorBody> => {
    const res = await h.scim.get(query);
    expect(res.status).toBe(200);
    return res.data as CursorBody;
  };
  const names = (body: CursorBody): string[] => body.Resources.map((u) => u.userName);

  test('without cursor: startIndex is not read, every page is the first, its totalResults its own length, no nextCursor', async () => {
    for (const query of ['/Users', '/Users?startIndex=1&count=3', '/Users?startIndex=4&count=3']) {
      const body = await page(query);
      expect(body).toMatchObject({ totalResults: 3, startIndex: 1, itemsPerPage: 3 });
      expect(body.nextCursor).toBeUndefined();
      expect(names(body)).toEqual(['user1@example.com', 'user2@example.com', 'user3@example.com']);
    }
  });

  test('with cursor: an empty one asks the first page; nextCursor leads on to the last page, which has none; no totalResults', async () => {
    const seen: string[] = [];
    let body = await page('/Users?cursor=&count=2');
    for (;;) {
      expect(body.totalResults).toBeUndefined();
      seen.push(...names(body));
      if (body.nextCursor === undefined) break;
      expect(body.nextCursor).toMatch(/^[A-Za-z0-9\-._~]+$/); // RFC 3986 unreserved characters
      body = await page(`/Users?cursor=${body.nextCursor}&count=2`);
    }
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `user${i + 1}@example.com`));
    // count is capped at maxPageSize, and startIndex beside a cursor is not read either.
    expect((await page('/Users?cursor=&count=50&startIndex=5')).itemsPerPage).toBe(3);
    expect((await h.scim.get('/Users?cursor=&count=0')).status).toBe(400);
  });

  test('a filter pages by cursor too; a cursor not issued, or issued for another filter, is 400 invalidCursor', async () => {
    const filtered = await page(filterQuery('userName ew "example.com"', { cursor: '', count: '3' }));
    expect(filtered.nextCursor).toBeDefined();
    const other = await h.scim.get(filterQuery('userName eq "user1@example.com"', { cursor: filtered.nextCursor ?? '' }));
    expect(other.status).toBe(400);
    expect(other.data).toMatchObject({ schemas: [ERROR_URN], status: '400', scimType: 'invalidCursor' });
    expect((await h.scim.get('/Users?cursor=made-up')).data).toMatchObject({ scimType: 'invalidCursor' });
    const same = await page(filterQuery('userName ew "example.com"', { cursor: filtered.nextCursor ?? '', count: '3' }));
    expect(names(same)).toEqual(['user4@example.com', 'user5@example.com', 'user6@example.com']);
  });

  test('a user created while paging comes at the end; /ServiceProviderConfig advertises cursor pagination alone', async () => {
    const first = await page('/Users?cursor=&count=3');
    h.sandbox.state.seedUser(userBody(8));
    const rest: string[] = [];
    for (let body = await page(`/Users?cursor=${first.nextCursor ?? ''}&count=3`); ; body = await page(`/Users?cursor=${body.nextCursor ?? ''}&count=3`)) {
      rest.push(...names(body));
      if (body.nextCursor === undefined) break;
    }
    expect(rest.at(-1)).toBe('user8@example.com');
    expect(rest).toHaveLength(5);
    const spc = (await h.scim.get('/ServiceProviderConfig')).data as Record<string, unknown>;
    expect(spc.pagination).toEqual({ cursor: true, index: false, defaultPaginationMethod: 'cursor', defaultPageSize: 3, maxPageSize: 3 });
  });

  test('switched over HTTP and on the command line; paging by startIndex advertises no pagination object', async () => {
    expect((await h.admin.post('/config', { pagination: 'index' })).data).toMatchObject({ pagination: 'index' });
    expect(((await h.scim.get('/Users?startIndex=4&count=3')).data as CursorBody).startIndex).toBe(4);
    expect(((await h.scim.get('/ServiceProviderConfig')).data as Record<string, unknown>).pagination).toBeUndefined();
    expect((await h.admin.post('/config', { pagination: 'pages' })).status).toBe(400);
    await h.admin.post('/config', { pagination: 'cursor' });
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const sandbox = await main(['--port', '0', '--pagination', 'cursor']).finally(() => spy.mockRestore());
    expect(sandbox.config.pagination).toBe('cursor');
    await sandbox.close();
    await expect(main(['--port', '0', '--pagination', 'pages'])).rejects.toThrow(/--pagination/);
  });
});
