import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createOktaSource, type OktaSourceConfig } from '../../clients/okta';
import { createHttpClient } from '../../clients/http';
import { secretFromValue } from '../../config/secret';
import { IN_SCOPE_STATUSES } from '../../config/settings';

/** A server whose self-signed certificate (test/fixtures, for 127.0.0.1) this process does not trust: a setting error, not retried (the backoff would outlast the test's timeout). */
describe('a service whose TLS certificate is not trusted', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const fixture = (name: string): Buffer => readFileSync(join(__dirname, '..', 'fixtures', name));
    server = createServer({ key: fixture('self-signed.key'), cert: fixture('self-signed.crt') }, (_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end('[]');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  const hint = /DEPTH_ZERO_SELF_SIGNED_CERT: the server's TLS certificate is not trusted here \(for a private CA, point NODE_EXTRA_CA_CERTS at its certificate/;

  it('the WFM client says so, and how to trust a private CA', async () => {
    const client = createHttpClient({ service: 'wfm-scim', label: 'WFM SCIM', baseUrl: `${url}/scim/v2`, timeoutMs: 2000, authorization: () => 'Bearer t', retry: { maxRetries: 3, baseDelayMs: 2000 } });
    const err: unknown = await client.request({ method: 'GET', path: '/Users' }).catch((e: unknown) => e);
    // A setting to fix (not retried): the run stops at once, exit 2.
    expect(err).toMatchObject({ kind: 'config', message: expect.stringMatching(hint) as unknown });
  });

  it('the Okta source says the same', async () => {
    const cfg = { orgUrl: url, apiToken: secretFromValue('t'), appId: '0oa1', supervisorGroups: [], inScopeStatuses: [...IN_SCOPE_STATUSES], pageSize: 500, requestTimeoutMs: 2000, retry: { maxRetries: 3, baseDelayMs: 2000 } } as OktaSourceConfig;
    await expect(createOktaSource(cfg).pullInScope()).rejects.toMatchObject({ kind: 'config', message: expect.stringMatching(hint) as unknown });
  });
});
