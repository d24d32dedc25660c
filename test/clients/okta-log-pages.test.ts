import { createOktaSource } from '../../clients/okta';
import { frontConfig, oktaError, startOktaFront, type FrontAnswer, type OktaFront } from '../helpers/okta-front';

const USER = { id: '00u1aaaaaaaaaaaaaaa1', type: 'User', alternateId: 'a@example.com', displayName: 'A' };
const event = (uuid: string): Record<string, unknown> => ({ uuid, eventType: 'user.lifecycle.suspend', published: '2024-05-01T10:00:00.000Z', target: [USER] });

/**
 * /api/v1/logs as Okta polls it: these pages in turn (`after` = the page's number), each with a next
 * link, then empty pages with a next link forever; `answer` may stand in for a page first.
 */
function logPages(front: OktaFront, pages: readonly unknown[][], answer: (after: string) => FrontAnswer | undefined = () => undefined): void {
  front.routes.set('/api/v1/logs', (url) => {
    const after = url.searchParams.get('after') ?? '0';
    const instead = answer(after);
    if (instead) return instead;
    const page = Number(after);
    const next = new URL(url);
    next.searchParams.set('after', String(Math.min(page + 1, pages.length)));
    return { headers: { Link: [`<${url.toString()}>; rel="self"`, `<${next.toString()}>; rel="next"`] }, body: pages[page] ?? [] };
  });
}

describe('a System Log read, page by page', () => {
  let front: OktaFront;
  beforeEach(async () => {
    front = await startOktaFront();
  });
  afterEach(() => front.close());
  const since = '2024-05-01T09:00:00.000Z';
  const unavailable = oktaError(503, 'E0000009', 'Internal Server Error');

  it('retries each page on its own: failures spread over a backlog do not add up, one page failing too often still fails the read', async () => {
    // Every page fails twice before it answers: 6 failures in all, more than the 4 retries a call has.
    const failures = new Map<string, number>();
    logPages(front, [[event('e1')], [event('e2')], [event('e3')]], (after) => {
      const failed = failures.get(after) ?? 0;
      if (after === '3' || failed >= 2) return undefined;
      failures.set(after, failed + 1);
      return unavailable;
    });
    const source = createOktaSource(frontConfig(front));
    const log = await source.readLog({ since, nextUri: `${front.url}/api/v1/logs?since=${since}&after=0` });
    expect(log.events.map((e) => e.uuid)).toEqual(['e1', 'e2', 'e3']);
    expect(log.nextUri).toBe(`${front.url}/api/v1/logs?since=${encodeURIComponent(since)}&after=3`);
    expect(source.stats().retries).toBe(6);
    expect(front.requests.map((r) => r.query.after)).toEqual(['0', '0', '0', '1', '1', '1', '2', '2', '2', '3']);

    // The budget is still there, per page: one that keeps failing stops the read.
    logPages(front, [[event('e1')], [event('e2')]], (after) => (after === '1' ? unavailable : undefined));
    front.requests.length = 0;
    const err = await createOktaSource(frontConfig(front))
      .readLog({ since, nextUri: `${front.url}/api/v1/logs?since=${since}&after=0` })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'transient', status: 503 });
    expect(front.requests.map((r) => r.query.after)).toEqual(['0', '1', '1', '1', '1', '1']);
  });

  it.each([
    [400, oktaError(400, 'E0000001', 'Api validation failed: after'), /answered 400 E0000001/],
    [404, oktaError(404, 'E0000007', 'Not found: Resource not found: logs'), /answered 404 E0000007/],
    [410, oktaError(410, 'E0000000', 'Gone: this cursor has expired'), /answered 410/],
  ])('a stored checkpoint Okta refuses with %i is reported, with nothing read and no checkpoint; the same answer to a later page fails the read', async (status, refusal, said) => {
    logPages(front, [[event('e1')]], (after) => (after === 'stale' || after === '1' ? refusal : undefined));
    const read = (nextUri: string) => createOktaSource(frontConfig(front)).readLog({ since, nextUri });

    const refused = await read(`${front.url}/api/v1/logs?since=${since}&after=stale`);
    expect(refused).toEqual({ events: [], nextUri: undefined, unreadable: 0, checkpointRefused: expect.stringMatching(said) });
    expect(front.requests).toHaveLength(1);

    // A link this read was given is not the stored checkpoint: Okta refusing it fails the read.
    const err = await read(`${front.url}/api/v1/logs?since=${since}&after=0`).catch((e: unknown) => e);
    expect(err).toMatchObject({ status, message: expect.stringMatching(said) });
  });
});
