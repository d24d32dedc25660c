// The real SCIM client against the sandbox WFM paging by cursor alone (RFC 9865), as IAM Identity
// Center does: startIndex is not read, a listing asked without `cursor` is its first page with
// totalResults equal to that page's length, and one asked with `cursor` carries nextCursor.
import { createServer } from 'node:http';
import { createScimClient, type ScimClient } from '../../clients/scim';
import { secretFromValue } from '../../config/secret';
import { LIST_RESPONSE_URN } from '../../mappers/scim-canonical';
import { countRequests, startWfmSandbox, type WfmSandbox } from '../../sandbox/wfm/server';
import { listenOnLoopback, scimUser, sendScim } from '../helpers/scim-server';

const user = (n: number) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: `u${n}@example.com`,
  externalId: `00u${n}`,
  name: { givenName: 'Given', familyName: 'Family' },
  emails: [{ value: `u${n}@example.com`, type: 'work', primary: true }],
  active: true,
});

const USERS = 12;
const PAGE = 5;

describe('SCIM listing of a WFM that pages by cursor alone (RFC 9865, IAM Identity Center)', () => {
  let wfm: WfmSandbox;
  const client = (): ScimClient => createScimClient({ scimUrl: wfm.scimUrl, token: secretFromValue(wfm.scimToken), pageSize: PAGE, requestTimeoutMs: 5000, maxRetries: 0 });
  beforeAll(async () => {
    wfm = await startWfmSandbox({ maxPageSize: PAGE, pagination: 'cursor' });
    for (let n = 1; n <= USERS; n += 1) wfm.state.seedUser(user(n));
  });
  afterAll(() => wfm.close());
  beforeEach(() => {
    wfm.requests.length = 0;
  });
  const gets = (): string[] => wfm.requests.filter((r) => r.method === 'GET' && r.api === 'scim').map((r) => r.query);
  const everyone = Array.from({ length: USERS }, (_, i) => `00u${i + 1}`);

  it('reads every user, not the first page alone, and asks by cursor from then on', async () => {
    const scim = client();
    expect((await scim.listAll()).map((u) => u.externalId)).toEqual(everyone);
    // Page 1 by startIndex, page 2 by startIndex answering page 1 again, then by cursor: 3 pages of 5, 5 and 2.
    const first = gets();
    expect(first).toHaveLength(5);
    expect(first.slice(0, 3)).toEqual(['startIndex=1&count=5', 'startIndex=6&count=5', 'cursor=&count=5']);
    expect(first.slice(3).every((q) => /^cursor=[\w-]+&count=5$/.test(q))).toBe(true);
    wfm.requests.length = 0;
    expect((await scim.listAll()).map((u) => u.externalId)).toEqual(everyone);
    expect(gets()).toHaveLength(Math.ceil(USERS / PAGE)); // one request a page, nothing more
    expect(gets()[0]).toBe('cursor=&count=5');
  });

  it('finds a user past the first page by lookup, before any listing and after one, one request each', async () => {
    const scim = client();
    expect((await scim.findByExternalId('00u12')).map((u) => u.userName)).toEqual(['u12@example.com']);
    expect((await scim.findByUserName('u11@example.com')).map((u) => u.externalId)).toEqual(['00u11']);
    expect(countRequests(wfm.requests, { method: 'GET', api: 'scim' })).toBe(2);
    await scim.listAll();
    wfm.requests.length = 0;
    expect((await scim.findByExternalId('00u7')).map((u) => u.userName)).toEqual(['u7@example.com']);
    expect(await scim.findByUserName('nobody@example.com')).toEqual([]);
    expect(gets()).toEqual([`cursor=&count=5&filter=${encodeURIComponent('externalId eq "00u7"')}`, `cursor=&count=5&filter=${encodeURIComponent('userName eq "nobody@example.com"')}`]);
  });

  it('the same WFM paging by startIndex is read as before: no request asks by cursor', async () => {
    wfm.config.pagination = 'index';
    try {
      const scim = client();
      expect((await scim.listAll()).map((u) => u.externalId)).toEqual(everyone);
      expect(gets()).toEqual(['startIndex=1&count=5', 'startIndex=6&count=5', 'startIndex=11&count=5']);
    } finally {
      wfm.config.pagination = 'cursor';
    }
  });
});

/**
 * A SCIM server of 7 users answering GET /Users through `page` (given the query), listened to on
 * loopback, with the real client at 3 a page; `asked`: each query, in order.
 */
function cursorServer(prefix: string, page: (query: URLSearchParams, all: readonly ReturnType<typeof scimUser>[]) => Record<string, unknown>) {
  const all = Array.from({ length: 7 }, (_, i) => scimUser(`${prefix}${i + 1}`, `${prefix}${i + 1}@example.com`));
  const t = { all, asked: [] as string[], scim: undefined as unknown as ScimClient, close: async (): Promise<void> => undefined };
  beforeAll(async () => {
    const server = createServer((req, res) => {
      const query = new URL(req.url ?? '/', 'http://scim').searchParams;
      t.asked.push(query.toString());
      sendScim(res, 200, { schemas: [LIST_RESPONSE_URN], ...page(query, all) });
    });
    const listening = await listenOnLoopback(server);
    t.close = listening.close;
    t.scim = createScimClient({ scimUrl: `${listening.url}/scim/v2`, token: secretFromValue('t'), pageSize: 3, requestTimeoutMs: 5000, maxRetries: 0 });
  });
  afterAll(() => t.close());
  return t;
}

/** The page of `all` at `cursor` (a position; empty for the first), with the next page's cursor. */
const atCursor = (cursor: string, count: number, all: readonly unknown[]): { page: unknown[]; next: string | undefined } => {
  const from = Number(cursor || '0');
  return { page: all.slice(from, from + count), next: from + count < all.length ? String(from + count) : undefined };
};

describe('a WFM that answers nextCursor unasked and announces no totalResults (RFC 9865, cursors as the only method)', () => {
  const t = cursorServer('w', (query, all) => {
    const { page, next } = atCursor(query.get('cursor') ?? '', Number(query.get('count') ?? 3), all);
    // Its own casing of the member name: RFC 7643 §2.1 names are case-insensitive.
    return { itemsPerPage: page.length, ...(next ? { NextCursor: next } : {}), Resources: page };
  });
  beforeEach(() => {
    t.asked.length = 0;
  });

  it('is listed whole by following nextCursor from its first page, with no request more', async () => {
    expect((await t.scim.listAll()).map((u) => u.id)).toEqual(t.all.map((u) => u.id));
    expect(t.asked).toEqual(['startIndex=1&count=3', 'cursor=3&count=3', 'cursor=6&count=3']);
  });

  it('the preflight probe reads its first page without a total, rather than call it no ListResponse', async () => {
    expect(await t.scim.probe('list')).toEqual({ totalResults: undefined });
  });
});

describe('a WFM that ignores startIndex, announces the whole count, and pages by cursor when asked', () => {
  const t = cursorServer('c', (query, all) => {
    const count = Number(query.get('count') ?? 3);
    const cursor = query.get('cursor');
    // startIndex not read: asked without a cursor, always the first page, with the whole collection's count.
    if (cursor === null) return { totalResults: all.length, itemsPerPage: count, Resources: all.slice(0, count) };
    const { page, next } = atCursor(cursor, count, all);
    return { totalResults: all.length, ...(next ? { nextCursor: next } : {}), Resources: page };
  });

  it('is listed whole by cursor, not refused as a server that does not page, and check sees no fault', async () => {
    expect((await t.scim.listAll()).map((u) => u.id)).toEqual(t.all.map((u) => u.id));
    expect(t.asked).toEqual(['startIndex=1&count=3', 'startIndex=4&count=3', 'cursor=&count=3', 'cursor=3&count=3', 'cursor=6&count=3']);
    expect((await t.scim.sampleListing(3)).firstPageAgain).toBeUndefined();
  });
});
