import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dumpRedis, runCliProcess } from '../faults/helpers/capture';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness';

/**
 * A service that repeats the credential it refuses in its error text (some gateways and servers
 * do: "the bearer token Bearer abc… is not valid"). That text becomes our error message, log lines,
 * the stored run report and `status`: the credential must not come with it.
 */
async function startEcho(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const sent = `${String(req.headers.authorization ?? '')} ${Buffer.concat(chunks).toString('utf8')}`;
      res.statusCode = 401;
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          // SCIM, Okta and the user-management API's error shapes at once: each client reads its own.
          schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
          status: '401',
          detail: `the credential ${sent} is not valid`,
          errorCode: 'E0000011',
          errorSummary: `Invalid token provided: you sent ${sent}`,
          errorCauses: [],
          message: `bad credentials ${sent}`,
          error: 'Unauthorized',
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('a service that echoes the credential it refused', () => {
  let h: Harness;
  let echo: Awaited<ReturnType<typeof startEcho>>;
  const secrets = { OKTA_API_TOKEN: `okta-${randomBytes(12).toString('hex')}`, WFM_SCIM_TOKEN: `scim-${randomBytes(12).toString('hex')}`, WFM_ACCESS_KEY_SECRET: `key-${randomBytes(12).toString('hex')}` };
  beforeAll(async () => {
    h = await startHarness({ users: 3, seed: 2 });
    echo = await startEcho();
  });
  afterAll(async () => {
    await echo.close();
    await h.close();
  });

  it.each([
    ['Okta', { OKTA_ORG_URL: '' }],
    ['the WFM SCIM endpoint', { WFM_SCIM_URL: '/scim/v2' }],
    ['the WFM user-management API', { WFM_API_URL: '' }],
  ])('%s: the credential is in no output, log line (debug), stored report or status', async (_service, at) => {
    const env = { ...h.env, ...secrets, LOG_LEVEL: 'debug', ...Object.fromEntries(Object.entries(at).map(([k, path]) => [k, `${echo.url}${path}`])) };
    const runs = [await runCliProcess(env, ['check']), await runCliProcess(env, ['sync', '--once', '--json']), await runCliProcess(env, ['offboard', '--once']), await runCliProcess(env, ['status'])];
    const text = [...runs.flatMap((r) => [r.out, r.err]), await dumpRedis(REDIS_URL, h.prefix)].join('\n');
    expect(text).toMatch(/\[redacted\]/); // the echo came back, without the credential
    for (const value of Object.values(secrets)) expect(text).not.toContain(value);
  });
});
