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
