import { createOktaSource } from '../../clients/okta';
import { frontConfig, startOktaFront, type OktaFront } from '../helpers/okta-front';

// A next link back to a page the listing has read already: a last page linking to itself, or a
// System Log whose polling cursor is inclusive and keeps serving its last event. Followed, either
// would be read forever; each page is read once, and the log keeps the link as its checkpoint.
const APP = '0oa1appappappappapp1';
const id = (n: number): string => `00u${String(n).padStart(17, '0')}`;
const user = (n: number): Record<string, unknown> => ({ id: id(n), status: 'ACTIVE', profile: { login: `u${n}@example.com`, email: `u${n}@example.com`, firstName: 'U', lastName: `N${n}` } });
const target = (n: number) => ({ id: id(n), type: 'User', alternateId: `u${n}@example.com`, displayName: `U ${n}` });
const event = (uuid: string, published: string, n: number) => ({ uuid, eventType: 'user.lifecycle.suspend', published, target: [target(n)] });

describe('next links back to a page already read', () => {
  let front: OktaFront;
  beforeEach(async () => {
    front = await startOktaFront();
  });
  afterEach(() => front.close());

  it('a last page of app users that links to itself ends the listing, each page read once', async () => {
    front.routes.set(`/api/v1/apps/${APP}/users`, (url) => {
      const after = url.searchParams.get('after');
      const next = new URL(url);
      next.searchParams.set('after', 'p2');
      const body = after === 'p2' ? [{ id: id(2), scope: 'USER', _embedded: { user: user(2) } }] : [{ id: id(1), scope: 'USER', _embedded: { user: user(1) } }];
      return { headers: { Link: [`<${url.toString()}>; rel="self"`, `<${next.toString()}>; rel="next"`] }, body };
    });
    const pull = await createOktaSource(frontConfig(front)).pullInScope();
    expect(pull.users.map((u) => u.id)).toEqual([id(1), id(2)]);
    expect(front.requests.filter((r) => r.path === `/api/v1/apps/${APP}/users`)).toHaveLength(2);
  });

  it('a System Log whose inclusive cursor serves its last event again stops there, with that link as the checkpoint', async () => {
    const events = [event('e1', '2024-05-01T10:00:00.000Z', 1), event('e2', '2024-05-01T10:00:01.000Z', 2)];
    front.routes.set('/api/v1/logs', (url) => {
      const since = Date.parse(url.searchParams.get('since') ?? '');
      const page = events.filter((e) => Date.parse(e.published) >= since);
      const next = new URL(url);
      const last = page[page.length - 1];
      if (last) next.searchParams.set('since', last.published);
      return { headers: { Link: [`<${url.toString()}>; rel="self"`, `<${next.toString()}>; rel="next"`] }, body: page };
    });
    const source = createOktaSource(frontConfig(front));
    const log = await source.readLog({ since: '2024-05-01T09:00:00.000Z' });
    expect(log.events.map((e) => e.uuid)).toEqual(['e1', 'e2', 'e2']);
    expect(new URL(log.nextUri ?? '').searchParams.get('since')).toBe('2024-05-01T10:00:01.000Z');
    expect(front.requests.filter((r) => r.path === '/api/v1/logs')).toHaveLength(2);
    // The next run starts from that checkpoint: the event served again is one it has seen (uuids are deduplicated).
    front.requests.length = 0;
    const again = await source.readLog({ since: '2024-05-01T09:00:00.000Z', ...(log.nextUri ? { nextUri: log.nextUri } : {}) });
    expect(again.events.map((e) => e.uuid)).toEqual(['e2']);
    expect(front.requests).toHaveLength(1);
  });

  it('a next link back to an earlier page fails the listing: the pages after the loop would go unread', async () => {
    front.routes.set(`/api/v1/apps/${APP}/users`, (url) => {
      const page = Number(url.searchParams.get('after') ?? '1');
      const next = new URL(url);
      next.searchParams.set('after', String(page === 3 ? 2 : page + 1));
      return { headers: { Link: `<${next.toString()}>; rel="next"` }, body: [{ id: id(page), scope: 'USER', _embedded: { user: user(page) } }] };
    });
    await expect(createOktaSource(frontConfig(front)).pullInScope()).rejects.toMatchObject({ kind: 'incomplete', message: expect.stringMatching(/next link went back to a page already read/) });
  });

  it('a full System Log page that links to itself fails the read: the events after it could never be reached', async () => {
    const published = '2024-05-01T10:00:00.000Z';
    const page = Array.from({ length: 1000 }, (_, i) => event(`e${i}`, published, 1 + (i % 5)));
    front.routes.set('/api/v1/logs', (url) => {
      const next = new URL(url);
      next.searchParams.set('since', published);
      return { headers: { Link: `<${next.toString()}>; rel="next"` }, body: page };
    });
    await expect(createOktaSource(frontConfig(front)).readLog({ since: published })).rejects.toMatchObject({ kind: 'incomplete' });
  });
});
