import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import { createHttpClient } from '../../clients/http';

describe('the WFM HTTP client on a kept-alive connection', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('reuses one socket and asks for one TCP keep-alive delay, so no request re-sets it', async () => {
    const delays: { socket: Socket; delay: number | undefined }[] = [];
    const original = Socket.prototype.setKeepAlive;
    const spy = jest.spyOn(Socket.prototype, 'setKeepAlive').mockImplementation(function (this: Socket, enable?: boolean, delay?: number) {
      delays.push({ socket: this, delay });
      return original.call(this, enable, delay);
    });
    try {
      const client = createHttpClient({ service: 'wfm-scim', label: 'test', baseUrl: url, timeoutMs: 2000, authorization: () => 'Bearer t' });
      for (let i = 0; i < 5; i += 1) expect((await client.request({ method: 'GET', path: '/x' })).status).toBe(200);
    } finally {
      spy.mockRestore();
    }
    // Each request and each return of the socket to the pool asks; a different delay each time
    // would make every one of them a pair of setsockopt calls.
    expect(new Set(delays.map((d) => d.socket)).size).toBe(1);
    expect(delays.length).toBeGreaterThanOrEqual(5);
    expect(new Set(delays.map((d) => d.delay))).toEqual(new Set([60_000]));
  });
});
