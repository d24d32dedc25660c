import { createOktaCaller, createOktaClient } from '../../clients/okta-sdk';
import { DEFAULT_RETRY } from '../../clients/retry';
import { secretFromValue } from '../../config/secret';

describe('Okta errors the SDK raises before sending anything', () => {
  it('a call whose required parameter is empty fails as invalid, naming it, and is not retried', async () => {
    const { client } = createOktaClient({ orgUrl: 'https://example.okta.com', requestTimeoutMs: 1000, apiToken: secretFromValue('token') }, () => undefined);
    let retries = 0;
    const caller = createOktaCaller({ ...DEFAULT_RETRY, maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 }, () => (retries += 1));
    const err: unknown = await caller.call('get user', () => client.userApi.getUser({ userId: undefined as unknown as string })).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'invalid', service: 'okta', message: 'Okta get user was not sent: userId is empty' });
    expect(retries).toBe(0);
  });
});

describe('a long Okta listing is told of while it is read', () => {
  /** A collection of `n` items, each taking `stepMs` of the given clock, the last one `done`. */
  const slowCollection = (n: number, clock: { at: number }, stepMs: number) => {
    let i = 0;
    return {
      next: async () => {
        clock.at += stepMs;
        i += 1;
        return i >= n ? { value: { id: i }, done: true } : { value: { id: i }, done: false };
      },
    };
  };

  it('every 30 s of reading, with the items read so far; a short one never', async () => {
    const clock = { at: 0 };
    const told: unknown[] = [];
    const caller = createOktaCaller(DEFAULT_RETRY, () => undefined, { onReading: (r) => told.push(r), now: () => clock.at });
    const items: unknown[] = [];
    // 10 items at 7 s each: told once, after the 5th (35 s); the 10th, 35 s after that, ends the listing first.
    await caller.drain('list users of app', async () => slowCollection(10, clock, 7_000) as never, (item) => items.push(item));
    expect(items).toHaveLength(10);
    expect(told).toEqual([{ what: 'list users of app', items: 5, seconds: 35 }]);
    told.length = 0;
    await caller.drain('list users of app', async () => slowCollection(100, clock, 100) as never, () => undefined);
    expect(told).toEqual([]);
  });
});
