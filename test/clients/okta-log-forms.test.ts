import { createOktaSource } from '../../clients/okta';
import { touchedUsers } from '../../sync/incremental';
import { freshEvents } from '../../sync/incremental-cursor';
import { frontConfig, oktaError, startOktaFront, type FrontAnswer, type OktaFront } from '../helpers/okta-front';

// The System Log as Okta documents it: polling (since, no until) always answers a next link, even
// on an empty page; the spec requires no property of an event or of its targets.
const USER = { id: '00u1aaaaaaaaaaaaaaa1', type: 'User', alternateId: 'a@example.com', displayName: 'A' };
const GROUP = { id: '00g1ggggggggggggggg1', type: 'UserGroup', displayName: 'WFM Supervisors' };
const APP = { id: '0oa1appappappappapp1', type: 'AppInstance', alternateId: 'WFM', displayName: 'WFM' };

const event = (uuid: string, eventType: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  uuid,
  eventType,
  published: '2024-05-01T10:00:00.000Z',
  target: [USER],
  ...extra,
});

/** /api/v1/logs answering these pages in turn, each with a next link (`after` = the page's number); past them, empty pages with a next link, forever. */
function logPages(front: OktaFront, pages: readonly unknown[][], opts: { lastHasNext?: boolean } = {}): void {
  front.routes.set('/api/v1/logs', (url) => {
    const page = Number(url.searchParams.get('after') ?? '0');
    const next = new URL(url);
    next.searchParams.set('after', String(Math.min(page + 1, pages.length)));
    const last = page >= pages.length - 1;
    const answer: FrontAnswer = {
      headers: { Link: [`<${url.toString()}>; rel="self"`, ...(last && opts.lastHasNext === false ? [] : [`<${next.toString()}>; rel="next"`])] },
      body: pages[page] ?? [],
    };
    return answer;
  });
}

describe('the System Log as a faithful Okta serves it', () => {
  let front: OktaFront;
  beforeEach(async () => {
    front = await startOktaFront();
  });
  afterEach(() => front.close());
  const since = '2024-05-01T09:00:00.000Z';
  const read = (nextUri?: string) => createOktaSource(frontConfig(front)).readLog({ since, ...(nextUri ? { nextUri } : {}) });

  it('stops at the first empty page, though its next link is there forever, and keeps that link', async () => {
    logPages(front, [[]]);
    const first = await read();
    expect(first).toMatchObject({ events: [], unreadable: 0 });
    expect(front.requests).toHaveLength(1);
    logPages(front, [[event('e1', 'user.lifecycle.suspend')], [event('e2', 'user.account.update_profile')]]);
    front.requests.length = 0;
    const second = await read(`${front.url}/api/v1/logs?since=${since}&after=0`);
    expect(second.events.map((e) => e.uuid)).toEqual(['e1', 'e2']);
    expect(front.requests.map((r) => r.query.after)).toEqual(['0', '1', '2']);
    expect(second.nextUri).toBe(`${front.url}/api/v1/logs?since=${encodeURIComponent(since)}&after=2`);
  });

  it('reads events whose targets are missing, empty, mixed or partly unusable; those naming nothing are counted unreadable', async () => {
    logPages(front, [
      [
        event('no-target', 'user.lifecycle.suspend', { target: undefined }),
        event('null-target', 'user.lifecycle.suspend', { target: null }),
        event('empty-target', 'user.lifecycle.suspend', { target: [] }),
        event('mixed', 'group.user_membership.add', { target: [USER, GROUP, APP, { type: 'Token' }, { id: 'x' }, null] }),
        event('app', 'application.user_membership.add', { target: [{ id: '0ua1', type: 'AppUser', alternateId: 'b@example.com' }, APP], extraField: { any: 1 } }),
        { eventType: 'user.lifecycle.suspend', target: [USER] },
      ],
    ]);
    const log = await read();
    expect(log.events.map((e) => [e.uuid, e.targets.map((t) => t.type)])).toEqual([
      ['mixed', ['User', 'UserGroup', 'AppInstance']],
      ['app', ['AppUser', 'AppInstance']],
    ]);
    expect(log.unreadable).toBe(4);
    expect(touchedUsers(log.events, { appId: APP.id, groupNames: new Set(['WFM Supervisors']), appGroupIds: new Set() })).toEqual([USER.id, 'b@example.com']);
  });

  it.each([
    ['with milliseconds', '2024-05-01T10:00:00.123Z', '2024-05-01T10:00:00.123Z'],
    ['without milliseconds', '2024-05-01T10:00:00Z', '2024-05-01T10:00:00.000Z'],
    ['with an offset', '2024-05-01T12:00:00.000+02:00', '2024-05-01T10:00:00.000Z'],
    ['absent', undefined, ''],
  ])('published %s: the event is read', async (_name, published, read_) => {
    logPages(front, [[event('e1', 'user.lifecycle.suspend', { published })]]);
    expect((await read()).events).toEqual([{ uuid: 'e1', eventType: 'user.lifecycle.suspend', published: read_, targets: [USER] }]);
  });

  it('an event served on two pages is handled once', async () => {
    logPages(front, [[event('e1', 'user.lifecycle.suspend')], [event('e1', 'user.lifecycle.suspend'), event('e2', 'user.lifecycle.unsuspend')]]);
    const log = await read();
    expect(log.events.map((e) => e.uuid)).toEqual(['e1', 'e1', 'e2']);
    expect(freshEvents(log.events, []).map((e) => e.uuid)).toEqual(['e1', 'e2']);
  });

  it('a server that ends the listing without a next link: the read ends, with no next link to keep', async () => {
    logPages(front, [[event('e1', 'user.lifecycle.suspend')]], { lastHasNext: false });
    expect(await read()).toMatchObject({ events: [{ uuid: 'e1' }], nextUri: undefined });
    expect(front.requests).toHaveLength(1);
  });
});

describe('the System Log of a service that does not filter as Okta does', () => {
  let front: OktaFront;
  beforeEach(async () => {
    front = await startOktaFront();
  });
  afterEach(() => front.close());
  const since = '2024-05-01T09:00:00.000Z';
  const read = () => createOktaSource(frontConfig(front)).readLog({ since });
  const mixed = [
    event('watched', 'user.lifecycle.suspend'),
    event('session', 'user.session.start', { target: undefined }),
    event('other', 'policy.evaluate_sign_on'),
    event('unreadable', 'user.account.update_profile', { target: [] }),
  ];
  /** The log route as set, behind a filter parser that lacks `sw` (400), as some services' have. */
  const refuseSw = (): void => {
    const pages = front.routes.get('/api/v1/logs');
    front.routes.set('/api/v1/logs', (url, nth, req) =>
      (url.searchParams.get('filter') ?? '').includes(' sw ') ? oktaError(400, 'E0000001', 'Api validation failed: filter') : (pages?.(url, nth, req) ?? { body: [] }),
    );
  };

  it('one that ignores the filter: only watched events are kept, and only those count as unreadable', async () => {
    logPages(front, [mixed]);
    const log = await read();
    expect(log.events.map((e) => e.uuid)).toEqual(['watched']);
    expect(log.unreadable).toBe(1);
  });

  it("one whose filter grammar lacks `sw` (400): the log is read unfiltered, and kept as the filter would", async () => {
    logPages(front, [mixed]);
    refuseSw();
    const log = await read();
    expect(log.events.map((e) => e.uuid)).toEqual(['watched']);
    expect(front.requests.map((r) => r.query.filter === undefined)).toEqual([false, true, true]);
    expect(log.nextUri).toMatch(/after=1/);
    expect(new URL(log.nextUri ?? '').searchParams.get('filter')).toBeNull();
  });

  it("check's probe says so: the log answers, unfiltered; a service that takes the filter answers filtered", async () => {
    logPages(front, [mixed]);
    const source = createOktaSource(frontConfig(front));
    expect(await source.probeLog()).toEqual({ unfiltered: false });
    refuseSw();
    expect(await source.probeLog()).toEqual({ unfiltered: true });
    front.routes.set('/api/v1/logs', () => oktaError(403, 'E0000006', 'You do not have permission'));
    await expect(source.probeLog()).rejects.toMatchObject({ status: 403 });
  });
});
