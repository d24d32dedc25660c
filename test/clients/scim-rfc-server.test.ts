import { createServer, type Server, type ServerResponse } from 'node:http';
import { createScimClient, type ScimClient } from '../../clients/scim';
import { secretFromValue } from '../../config/secret';
import { LIST_RESPONSE_URN } from '../../mappers/scim-canonical';
import type { ScimResource } from '../../sync/types';
import { listenOnLoopback, readBody, scimUser, sendScim as send } from '../helpers/scim-server';

/**
 * The real SCIM client against a small SCIM server that does what RFC 7644 allows but our sandbox
 * WFM does not: it reads the query string by RFC 3986 percent-decoding alone (a `+` stays a `+`),
 * and it answers a create with 201 and an empty body (§3.3: the body SHOULD, not MUST, hold the
 * created resource).
 */
type StrictScim = { url: string; seen: string[]; close(): Promise<void> };

const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** RFC 3986 §2.1: percent-decoding only. `+` has no special meaning in a URI. */
function rfc3986Query(rawQuery: string): Map<string, string> {
  const query = new Map<string, string>();
  for (const pair of rawQuery.split('&').filter((p) => p !== '')) {
    const at = pair.indexOf('=');
    query.set(decodeURIComponent(at < 0 ? pair : pair.slice(0, at)), at < 0 ? '' : decodeURIComponent(pair.slice(at + 1)));
  }
  return query;
}

/** RFC 7644 §3.4.2.2: attrPath SP "eq" SP compValue, the value a JSON string. */
const EQ_FILTER = /^(userName|externalId) eq ("(?:[^"\\]|\\.)*")$/i;

async function startStrictScim(seed: ScimResource[]): Promise<StrictScim> {
  const users = new Map(seed.map((r) => [String(r.id), r]));
  const seen: string[] = [];
  let next = 1;
  const list = (rawQuery: string, res: ServerResponse): void => {
    const query = rfc3986Query(rawQuery);
    const filter = query.get('filter');
    const m = filter === undefined ? null : EQ_FILTER.exec(filter);
    if (filter !== undefined && !m) return send(res, 400, { schemas: [ERROR_URN], status: '400', scimType: 'invalidFilter', detail: `cannot parse ${filter}` });
    const attr = m?.[1]?.toLowerCase() === 'username' ? 'userName' : 'externalId';
    const value = m ? (JSON.parse(m[2] ?? '""') as string) : '';
    const matching = [...users.values()].filter((u) => !m || (attr === 'userName' ? String(u.userName).toLowerCase() === value.toLowerCase() : u.externalId === value));
    send(res, 200, { schemas: [LIST_RESPONSE_URN], totalResults: matching.length, startIndex: 1, itemsPerPage: matching.length, Resources: matching });
  };
  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const [path = '', rawQuery = ''] = (req.url ?? '/').split('?');
      seen.push(`${req.method} ${req.url}`);
      if (req.method === 'GET' && path === '/scim/v2/Users') return list(rawQuery, res);
      if (req.method === 'POST' && path === '/scim/v2/Users') {
        const id = `w${next++}`;
        users.set(id, { ...(JSON.parse(text) as ScimResource), id, meta: { resourceType: 'User', version: 'W/"1"' } });
        res.setHeader('Location', `http://127.0.0.1/scim/v2/Users/${id}`);
        return send(res, 201);
      }
      return send(res, 404, { schemas: [ERROR_URN], status: '404', detail: 'not here' });
    });
  });
  return { ...(await listenOnLoopback(server)), seen };
}

const user = (id: string, userName: string, externalId: string): ScimResource => scimUser(id, userName, { externalId });

describe('the SCIM client against a server that reads the RFCs strictly', () => {
  let server: StrictScim;
  let scim: ScimClient;
  beforeAll(async () => {
    server = await startStrictScim([user('a1', 'maria+sales@example.com', '00u+1'), user('a2', 'o"quote\\back@example.com', '00u"2')]);
    scim = createScimClient({ scimUrl: server.url, token: secretFromValue('t'), pageSize: 10, requestTimeoutMs: 5000, maxRetries: 0 });
  });
  afterAll(() => server.close());
  beforeEach(() => (server.seen.length = 0));

  it('percent-encodes the query as RFC 3986 has it: a space is %20, a plus %2B, never a bare +', async () => {
    expect((await scim.findByUserName('Maria+Sales@example.com')).map((u) => u.id)).toEqual(['a1']);
    expect((await scim.findByExternalId('00u+1')).map((u) => u.id)).toEqual(['a1']);
    expect((await scim.findByUserName('o"quote\\back@example.com')).map((u) => u.id)).toEqual(['a2']);
    expect((await scim.findByExternalId('00u"2')).map((u) => u.id)).toEqual(['a2']);
    expect(await scim.findByUserName('maria sales@example.com')).toEqual([]);
    for (const request of server.seen) expect(request).not.toMatch(/\+/);
  });

  it('reads a create answered 201 with no body by finding the new user by the externalId it sent', async () => {
    const { id: _unsent, ...resource } = user('', 'new.agent@example.com', '00u3');
    const created = await scim.create(resource);
    expect(created).toMatchObject({ id: 'w1', userName: 'new.agent@example.com', externalId: '00u3', active: true, version: 'W/"1"' });
    expect(server.seen).toEqual(['POST /scim/v2/Users', expect.stringMatching(/^GET \/scim\/v2\/Users\?.*filter=externalId/)]);
  });

  it('refuses, as invalid, a body-less create it cannot find again', async () => {
    const { id: _unsent, externalId: _none, ...resource } = user('', 'no.link@example.com', '');
    await expect(scim.create(resource)).rejects.toMatchObject({
      kind: 'invalid',
      message: 'WFM SCIM POST /Users answered 201 without the user it created, and no user carries its externalId',
    });
  });
});
