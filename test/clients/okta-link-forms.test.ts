import { createOktaSource } from '../../clients/okta';
import { nextLinkOf, onOrgUrl } from '../../clients/okta-links';
import { MAX_EMPTY_PAGES, type MovedLink } from '../../clients/okta-sdk';
import { frontConfig, startOktaFront, type FrontAnswer, type OktaFront } from '../helpers/okta-front';

// RFC 8288 and Okta's docs let a server write its Link headers in more than one way; the listing
// must follow whatever next link it gives, and end only where it gives none.
type LinkForm = (self: string, next: string | undefined) => Record<string, string | string[]>;

const twoHeaders: LinkForm = (self, next) => ({ Link: [`<${self}>; rel="self"`, ...(next ? [`<${next}>; rel="next"`] : [])] });
const oneHeader: LinkForm = (self, next) => ({ Link: [`<${self}>; rel="self"`, ...(next ? [`<${next}>; rel="next"`] : [])].join(', ') });
const nextOnly: LinkForm = (_self, next): Record<string, string> => (next ? { Link: `<${next}>; rel="next"` } : {});
const unquotedFirst: LinkForm = (self, next) => ({ Link: [...(next ? [`<${next}>;rel=next`] : []), `<${self}>;rel=self`].join(',') });
const relative: LinkForm = (self, next) => {
  const path = (u: string): string => {
    const url = new URL(u);
    return `${url.pathname}${url.search}`;
  };
  return { Link: [`<${path(self)}>; rel="self"`, ...(next ? [`<${path(next)}>; rel="next"`] : [])] };
};
const queryOnly: LinkForm = (self, next) => (next ? { Link: `<${new URL(next).search}>; rel="next"` } : { Link: `<${self}>; rel="self"` });

const user = (i: number): Record<string, unknown> => ({
  id: `00u${String(i).padStart(17, '0')}`,
  status: 'ACTIVE',
  lastUpdated: '2024-05-01T10:00:00.000Z',
  profile: { login: `user${i}@example.com` },
});

/**
 * /api/v1/users in pages of the sizes given (the last has no next link); `after` is the page's
 * number. `nextUrl` may rewrite the next link (host, padding).
 */
function pagedUsers(front: OktaFront, sizes: readonly number[], form: LinkForm, nextUrl: (u: string) => string = (u) => u): void {
  front.routes.set('/api/v1/users', (url) => {
    const page = Number(url.searchParams.get('after') ?? '0');
    const start = sizes.slice(0, page).reduce((a, b) => a + b, 0);
    const items = Array.from({ length: sizes[page] ?? 0 }, (_, k) => user(start + k));
    let next: string | undefined;
    if (page + 1 < sizes.length) {
      const n = new URL(url);
      n.searchParams.set('after', String(page + 1));
      next = nextUrl(n.toString());
    }
    const answer: FrontAnswer = { headers: form(url.toString(), next), body: items };
    return answer;
  });
}

describe('next links in every form a server may write them', () => {
  let front: OktaFront;
  beforeEach(async () => {
    front = await startOktaFront();
  });
  afterEach(() => front.close());
  const since = '2024-01-01T00:00:00.000Z';
  const list = () => createOktaSource(frontConfig(front)).listUpdatedSince(since);

  it.each([
    ['self and next as two Link headers', twoHeaders],
    ['self and next joined in one header', oneHeader],
    ['next alone, no self', nextOnly],
    ['next first, rel unquoted, no spaces', unquotedFirst],
    ['links relative to the page', relative],
    ['a next link that is only a query', queryOnly],
  ])('%s: every page is read', async (_name, form) => {
    pagedUsers(front, [200, 200, 50], form);
    expect(await list()).toHaveLength(450);
    expect(front.requests.map((r) => r.query.after)).toEqual([undefined, '1', '2']);
  });

  it('a next link is sent as written: a `+` in a cursor stays a `+`, a repeated parameter stays repeated', async () => {
    front.routes.set('/api/v1/users', (_url, nth) => ({
      headers: nth === 0 ? nextOnly('', `${front.url}/api/v1/users?after=ab+c/d%3D%3D&expand=a&expand=b&limit=200`) : {},
      body: nth === 0 ? [user(0)] : [user(1)],
    }));
    expect(await list()).toHaveLength(2);
    expect(front.requests.map((r) => r.rawQuery).at(-1)).toBe('?after=ab+c/d%3D%3D&expand=a&expand=b&limit=200');
  });

  it('a Link header over 2,000 characters is still read (the SDK alone fails on it)', async () => {
    const pad = 'x'.repeat(2100);
    pagedUsers(front, [200, 200, 50], twoHeaders, (u) => `${u}&pad=${pad}`);
    expect(await list()).toHaveLength(450);
    expect(front.requests).toHaveLength(3);
  });

  it('follows the links, not the counts: short pages with a next link go on, a full page without one ends', async () => {
    pagedUsers(front, [3, 0, 1, 200], twoHeaders);
    expect(await list()).toHaveLength(204);
    expect(front.requests).toHaveLength(4);
    front.requests.length = 0;
    pagedUsers(front, [200], twoHeaders);
    expect(await list()).toHaveLength(200);
    expect(front.requests).toHaveLength(1);
  });

  it(`empty pages with next links: a few are followed; more than ${MAX_EMPTY_PAGES} in a row stop the pull as untrustworthy`, async () => {
    pagedUsers(front, [0, 0, 0, 5], twoHeaders);
    expect(await list()).toHaveLength(5);
    front.requests.length = 0;
    pagedUsers(front, [...Array.from({ length: MAX_EMPTY_PAGES + 5 }, () => 0), 5], twoHeaders);
    await expect(list()).rejects.toThrow(`${MAX_EMPTY_PAGES} empty pages in a row, each with a next link: the listing cannot be trusted`);
    expect(front.requests).toHaveLength(MAX_EMPTY_PAGES + 1);
  });

  it('a next link with `//` before the path is on the same origin: followed as given', async () => {
    pagedUsers(front, [200, 1], twoHeaders, (u) => {
      const url = new URL(u);
      return `${url.origin}/${url.pathname}${url.search}`;
    });
    expect(await list()).toHaveLength(201);
    expect(front.requests.map((r) => r.rawPath)).toEqual(['/api/v1/users', '//api/v1/users']);
  });
});

describe('a next link naming the org host in capitals', () => {
  let front: OktaFront;
  beforeAll(async () => {
    front = await startOktaFront('localhost');
  });
  afterAll(() => front.close());

  it('is the same origin: followed', async () => {
    pagedUsers(front, [200, 1], twoHeaders, (u) => u.replace('//localhost:', '//LOCALHOST:'));
    expect(await createOktaSource(frontConfig(front)).listUpdatedSince('2024-01-01T00:00:00.000Z')).toHaveLength(201);
    expect(front.requests).toHaveLength(2);
  });
});

describe('a next link on another origin than OKTA_ORG_URL', () => {
  let front: OktaFront;
  beforeEach(async () => {
    front = await startOktaFront();
  });
  afterEach(() => front.close());

  it.each([
    ['the host name the server knows itself by', (u: URL) => `http://localhost:${u.port}`],
    ['a custom domain over TLS', () => 'https://login.example.com'],
  ])('%s: followed on OKTA_ORG_URL, every page read, the move told once a page', async (_name, origin) => {
    pagedUsers(front, [200, 200, 50], twoHeaders, (u) => {
      const url = new URL(u);
      return `${origin(url)}${url.pathname}${url.search}`;
    });
    const moved: MovedLink[] = [];
    const users = await createOktaSource(frontConfig(front, { onLinkMoved: (m) => moved.push(m) })).listUpdatedSince('2024-01-01T00:00:00.000Z');
    expect(users).toHaveLength(450);
    // Every page came here, the cursor and the other parameters as the link gave them.
    expect(front.requests.map((r) => r.query.after)).toEqual([undefined, '1', '2']);
    expect(front.requests[1]?.query).toEqual({ ...front.requests[0]?.query, after: '1' });
    expect(moved).toEqual([
      { from: origin(new URL(front.url)), to: front.url },
      { from: origin(new URL(front.url)), to: front.url },
    ]);
  });
});

describe('onOrgUrl', () => {
  it.each([
    ['same origin: as it is', 'https://acme.okta.com/api/v1/users?after=b', 'https://acme.okta.com', { url: 'https://acme.okta.com/api/v1/users?after=b' }],
    ['another host: its path and query on the org', 'https://acme.oktapreview.com/api/v1/users?after=b&limit=2', 'https://login.acme.com', { url: 'https://login.acme.com/api/v1/users?after=b&limit=2', from: 'https://acme.oktapreview.com' }],
    ['another scheme (http behind TLS)', 'http://acme.okta.com/api/v1/logs?after=1', 'https://acme.okta.com', { url: 'https://acme.okta.com/api/v1/logs?after=1', from: 'http://acme.okta.com' }],
    ['under the org URL\'s path', 'http://okta:8080/api/v1/users?after=b', 'https://gw.example.com/okta/', { url: 'https://gw.example.com/okta/api/v1/users?after=b', from: 'http://okta:8080' }],
    ['under an org URL path that begins as Okta\'s do', 'http://okta:8080/api/v1/users?after=b', 'https://gw.example.com/api', { url: 'https://gw.example.com/api/api/v1/users?after=b', from: 'http://okta:8080' }],
    ['the query as written', 'http://okta:8080/api/v1/logs?filter=eventType sw "user."&after=a+b', 'https://acme.okta.com', { url: 'https://acme.okta.com/api/v1/logs?filter=eventType sw "user."&after=a+b', from: 'http://okta:8080' }],
    ['already under the org URL\'s path', 'http://okta:8080/okta/api/v1/users?after=b', 'https://gw.example.com/okta', { url: 'https://gw.example.com/okta/api/v1/users?after=b', from: 'http://okta:8080' }],
    ['a fragment is dropped', 'https://a.example.com/api/v1/users?after=b#x', 'https://acme.okta.com', { url: 'https://acme.okta.com/api/v1/users?after=b', from: 'https://a.example.com' }],
    ['unreadable: left for the origin check to refuse', 'not a url', 'https://acme.okta.com', { url: 'not a url' }],
  ])('%s', (_name, link, org, expected) => {
    expect(onOrgUrl(link, org)).toEqual(expected);
  });
});

describe('nextLinkOf', () => {
  const page = 'https://acme.okta.com/api/v1/users?limit=2';
  it.each([
    ['<https://acme.okta.com/api/v1/users?after=b&limit=2>; rel="next"', 'https://acme.okta.com/api/v1/users?after=b&limit=2'],
    ['<https://ACME.okta.com/api/v1/users?after=b>; rel="self next"', 'https://ACME.okta.com/api/v1/users?after=b'],
    ['<https://acme.okta.com/a>; rel="self"; title="x, y", <https://acme.okta.com/b>; REL=NEXT', 'https://acme.okta.com/b'],
    ['</api/v1/users?after=c>; rel="next"', 'https://acme.okta.com/api/v1/users?after=c'],
    ['<https://acme.okta.com/api/v1/users?filter=a,b>; rel="next"', 'https://acme.okta.com/api/v1/users?filter=a,b'],
  ])('%s', (header, next) => {
    expect(nextLinkOf(header, page)).toBe(next);
  });

  it.each([[undefined], [null], [''], ['<https://acme.okta.com/a>; rel="self"'], ['garbage'], ['<https://acme.okta.com/a>; rel="prev"']])('%s: no next link', (header) => {
    expect(nextLinkOf(header, page)).toBeUndefined();
  });
});
