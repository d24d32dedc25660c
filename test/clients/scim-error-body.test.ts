import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createScimClient } from '../../clients/scim';
import { secretFromValue } from '../../config/secret';

/** An error body whose member names are spelled in another case (RFC 7643 §2.1) still gives its detail and scimType. */
describe('a SCIM error body in another case', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(409, { 'Content-Type': 'application/scim+json' });
      res.end(JSON.stringify({ Schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], Status: '409', ScimType: 'uniqueness', Detail: 'userName is taken' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('is read for the error message and kind', async () => {
    const scim = createScimClient({ scimUrl: url, token: secretFromValue('t'), pageSize: 10, requestTimeoutMs: 2000, maxRetries: 0 });
    await expect(scim.get('u1')).rejects.toMatchObject({
      kind: 'conflict',
      scimType: 'uniqueness',
      message: 'WFM SCIM GET /Users/u1 answered 409 (uniqueness): userName is taken',
    });
  });
});
