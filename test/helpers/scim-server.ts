// Pieces of the small hand-written SCIM servers some client tests run against (other makes of WFM).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CORE_URN } from '../../config/targets';
import type { ScimResource } from '../../sync/types';

/** A WFM user as such a server holds it: Maria Lopez, her work email the userName, active; `extra` adds or overrides. */
export const scimUser = (id: string, userName: string, extra: Partial<ScimResource> = {}): ScimResource => ({
  schemas: [CORE_URN],
  id,
  userName,
  name: { givenName: 'Maria', familyName: 'Lopez' },
  emails: [{ value: userName, type: 'work', primary: true }],
  active: true,
  ...extra,
});

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    // Decoded once, whole: a character split across two chunks stays one character.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** A SCIM answer: JSON as application/scim+json, or an empty body. */
export function sendScim(res: ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/scim+json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

/** Starts the server on a free loopback port; answers its SCIM base URL and how to stop it. */
export async function listenOnLoopback(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
