import { createOktaSource } from '../../clients/okta';
import { frontConfig, oktaError, startOktaFront, type FrontAnswer, type OktaFront } from '../helpers/okta-front';

// Okta sends X-Rate-Limit-Limit/Remaining/Reset on every answer; another implementation may send
// them only on a 429, only some of them, Retry-After instead, or nothing at all.
const user = (i: number) => ({ id: `00u${String(i).padStart(17, '0')}`, status: 'ACTIVE', lastUpdated: '2024-05-01T10:00:00Z', profile: { login: `u${i}@example.com` } });

/** Three pages of users; `gate` may answer instead of a page (a 429). */
function pagedUsers(front: OktaFront, gate: (nth: number) => FrontAnswer | undefined = () => undefined): void {
  front.routes.set('/api/v1/users', (url, nth) => {
    const refused = gate(nth);
    if (refused) return refused;
    const page = Number(url.searchParams.get('after') ?? '0');
    const next = new URL(url);
    next.searchParams.set('after', String(page + 1));
    return { headers: page < 2 ? { Link: `<${next.toString()}>; rel="next"` } : {}, body: [user(page * 2), user(page * 2 + 1)] };
  });
}

const tooMany = (headers: Record<string, string>): FrontAnswer => ({ ...oktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.'), headers });

describe('rate limiting as a server may signal it', () => {
  let front: OktaFront;
  beforeEach(async () => {
    front = await startOktaFront();
  });
  afterEach(() => front.close());
  const since = '2024-01-01T00:00:00.000Z';
  // Backoff alone (a few ms, two retries) is over long before a window of a second or two resets.
  const source = () => createOktaSource(frontConfig(front, { retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 10 } }));

  it('no X-Rate-Limit-* header on any answer: the pull neither waits nor fails', async () => {
    pagedUsers(front);
    const s = source();
    expect(await s.listUpdatedSince(since)).toHaveLength(6);
    expect(s.stats()).toMatchObject({ requests: 3, retries: 0, pacerWaits: 0 });
  });

  it('tells how far Okta\'s clock is from ours by the Date header of its last answer', async () => {
    const behind = new Date(Date.now() - 600_000).toUTCString();
    front.routes.set('/api/v1/users', () => ({ headers: { Date: behind }, body: [user(1)] }));
    const s = source();
    expect(s.clockOffsetMs()).toBeUndefined();
    await s.listUpdatedSince(since);
    expect(s.clockOffsetMs()).toBeGreaterThan(-602_000);
    expect(s.clockOffsetMs()).toBeLessThan(-598_000);
  });

  it('headers that say nothing usable (zero limit, zero remaining with a past reset, not numbers) do not stall it', async () => {
    let n = 0;
    front.commonHeaders = () => {
      n += 1;
      const past = String(Math.floor(Date.now() / 1000) - 5);
      return n % 2 === 0
        ? { 'X-Rate-Limit-Limit': '0', 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': past }
        : { 'X-Rate-Limit-Limit': 'many', 'X-Rate-Limit-Remaining': '', 'X-Rate-Limit-Reset': 'soon' };
    };
    pagedUsers(front);
    expect(await source().listUpdatedSince(since)).toHaveLength(6);
  });

  /** The second request is refused until `resetAt`, with the headers `refusal` makes of it. */
  const refuseUntilReset = (refusal: (resetAt: number) => Record<string, string>): void => {
    let resetAt = 0;
    pagedUsers(front, (nth) => {
      if (nth === 1) resetAt = (Math.floor(Date.now() / 1000) + 2) * 1000;
      return nth >= 1 && Date.now() < resetAt ? tooMany(refusal(resetAt)) : undefined;
    });
  };

  it.each([
    ['X-Rate-Limit-Limit, -Remaining and -Reset (Okta)', (at: number) => ({ 'X-Rate-Limit-Limit': '600', 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': String(at / 1000) })],
    ['X-Rate-Limit-Reset alone', (at: number) => ({ 'X-Rate-Limit-Reset': String(at / 1000) })],
    ['Retry-After in seconds alone', (at: number) => ({ 'Retry-After': String(Math.ceil((at - Date.now()) / 1000)) })],
    ['Retry-After as an HTTP date alone', (at: number) => ({ 'Retry-After': new Date(at).toUTCString() })],
  ])('a 429 with %s: the next try waits for the reset, and the pull completes', async (_name, refusal) => {
    refuseUntilReset(refusal);
    const s = source();
    expect(await s.listUpdatedSince(since)).toHaveLength(6);
    expect(s.stats().byStatus).toEqual({ '200': 3, '429': 1 });
  });

  it('a 429 with no hint at all: the next try waits for the next minute of the server clock, and the pull completes', async () => {
    let until = 0;
    pagedUsers(front, (nth) => {
      if (nth === 1) until = Date.now() + 1000;
      // The server's clock reads the last second of a minute, so its window ends a second later;
      // backoff alone (a few ms, two retries) would be spent inside it.
      return nth >= 1 && Date.now() < until ? tooMany({ Date: 'Mon, 01 Jan 2024 10:00:59 GMT' }) : undefined;
    });
    const s = source();
    expect(await s.listUpdatedSince(since)).toHaveLength(6);
    expect(s.stats()).toMatchObject({ retries: 1, byStatus: { '200': 3, '429': 1 } });
  });
});
