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

describe('a WFM that answers nextCursor unasked and announces no totalResults (RFC 9865, cursors as the only method)', () => {
  const all = Array.from({ length: 7 }, (_, i) => scimUser(`w${i + 1}`, `w${i + 1}@example.com`));
  const asked: string[] = [];
  let close: () => Promise<void>;
  let scim: ScimClient;
  beforeAll(async () => {
    const server = createServer((req, res) => {
      const query = new URL(req.url ?? '/', 'http://scim').searchParams;
      asked.push(query.toString());
      const from = Number(query.get('cursor') || '0');
      const count = Number(query.get('count') ?? 3);
      const page = all.slice(from, from + count);
      const next = from + count < all.length ? String(from + count) : undefined;
      // Its own casing of the member name: RFC 7643 §2.1 names are case-insensitive.
      sendScim(res, 200, { schemas: [LIST_RESPONSE_URN], itemsPerPage: page.length, ...(next ? { NextCursor: next } : {}), Resources: page });
    });
    const listening = await listenOnLoopback(server);
    close = listening.close;
    scim = createScimClient({ scimUrl: `${listening.url}/scim/v2`, token: secretFromValue('t'), pageSize: 3, requestTimeoutMs: 5000, maxRetries: 0 });
  });
  afterAll(() => close());
  beforeEach(() => {
    asked.length = 0;
  });

  it('is listed whole by following nextCursor from its first page, with no request more', async () => {
    expect((await scim.listAll()).map((u) => u.id)).toEqual(all.map((u) => u.id));
    expect(asked).toEqual(['startIndex=1&count=3', 'cursor=3&count=3', 'cursor=6&count=3']);
  });

  it('the preflight probe reads its first page without a total, rather than call it no ListResponse', async () => {
    expect(await scim.probe('list')).toEqual({ totalResults: undefined });
  });
});

describe('a WFM that ignores startIndex, announces the whole count, and pages by cursor when asked', () => {
  const all = Array.from({ length: 7 }, (_, i) => scimUser(`c${i + 1}`, `c${i + 1}@example.com`));
  const asked: string[] = [];
  let close: () => Promise<void>;
  let scim: ScimClient;
  beforeAll(async () => {
    const server = createServer((req, res) => {
      const query = new URL(req.url ?? '/', 'http://scim').searchParams;
      asked.push(query.toString());
      const count = Number(query.get('count') ?? 3);
      const cursor = query.get('cursor');
      if (cursor === null) {
        // startIndex not read: always the first page, with the whole collection's count.
        sendScim(res, 200, { schemas: [LIST_RESPONSE_URN], totalResults: all.length, itemsPerPage: count, Resources: all.slice(0, count) });
        return;
      }
      const from = Number(cursor || '0');
      const next = from + count < all.length ? String(from + count) : undefined;
      sendScim(res, 200, { schemas: [LIST_RESPONSE_URN], totalResults: all.length, ...(next ? { nextCursor: next } : {}), Resources: all.slice(from, from + count) });
    });
    const listening = await listenOnLoopback(server);
    close = listening.close;
    scim = createScimClient({ scimUrl: `${listening.url}/scim/v2`, token: secretFromValue('t'), pageSize: 3, requestTimeoutMs: 5000, maxRetries: 0 });
  });
  afterAll(() => close());

  it('is listed whole by cursor, not refused as a server that does not page, and check sees no fault', async () => {
    expect((await scim.listAll()).map((u) => u.id)).toEqual(all.map((u) => u.id));
    expect(asked).toEqual(['startIndex=1&count=3', 'startIndex=4&count=3', 'cursor=&count=3', 'cursor=3&count=3', 'cursor=6&count=3']);
    expect((await scim.sampleListing(3)).firstPageAgain).toBeUndefined();
  });
});
