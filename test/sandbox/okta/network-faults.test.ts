import { request } from 'node:http';
import { startOktaSandbox, type OktaSandbox } from '../../../sandbox/okta/server';
import { waitFor } from '../../helpers/wait';
import { asArray, asObject, call, nextLink } from './helpers';

type Outcome = { status: number } | { error: string };

/**
 * One GET over a connection of its own. Answers the status, or `timeout` when the client's own
 * timeout fired first, or the error code when the connection ended without an answer.
 */
function rawGet(sandbox: OktaSandbox, path: string, timeoutMs?: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(`${sandbox.url}${path}`, { agent: false, headers: { Authorization: `SSWS ${sandbox.token}`, Accept: 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    if (timeoutMs !== undefined) {
      req.setTimeout(timeoutMs, () => {
        resolve({ error: 'timeout' });
        req.destroy();
      });
    }
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end();
  });
}

/** The statuses of the request log once it holds n entries (a connection closed is logged as its close event comes). */
const logged = (sandbox: OktaSandbox, n: number): Promise<number[]> =>
  waitFor(() => (sandbox.requests.length >= n ? sandbox.requests.map((r) => r.status) : undefined), 10000, `${n} logged request(s)`);

const held = (sandbox: OktaSandbox, n: number): Promise<true> =>
  waitFor(() => (sandbox.held() === n ? true : undefined), 10000, `${n} held request(s)`);

describe('network faults of the sandbox Okta: held requests, dropped connections, empty pages', () => {
  let sandbox: OktaSandbox;
  const groups = '/api/v1/groups?limit=2';

  beforeAll(async () => {
    sandbox = await startOktaSandbox({ users: 40, seed: 5 });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => {
    sandbox.resetFaults();
    sandbox.requests.length = 0;
  });

  test('POST /_sandbox/faults sets hangNext, hangMs, dropNext and emptyPageNext; DELETE resets them', async () => {
    const set = await call(sandbox, '/_sandbox/faults', { method: 'POST', body: { hangNext: 1, hangMs: 1234, dropNext: 2, emptyPageNext: 3 } });
    expect(set.status).toBe(200);
    expect(asObject(set.body)).toMatchObject({ hangNext: 1, hangMs: 1234, dropNext: 2, emptyPageNext: 3 });
    expect(sandbox.faults).toMatchObject({ hangNext: 1, hangMs: 1234, dropNext: 2, emptyPageNext: 3 });
    expect((await call(sandbox, '/_sandbox/faults', { method: 'POST', body: { hangMs: 0 } })).status).toBe(400);
    expect((await call(sandbox, '/_sandbox/faults', { method: 'POST', body: { dropNext: -1 } })).status).toBe(400);
    const reset = await call(sandbox, '/_sandbox/faults', { method: 'DELETE' });
    expect(asObject(reset.body)).toMatchObject({ hangNext: 0, hangMs: 30000, dropNext: 0, emptyPageNext: 0 });
  });

  test('hangNext: the request gets no answer, so a client with a timeout times out; the next one is answered', async () => {
    sandbox.setFaults({ hangNext: 1, hangMs: 60000 });
    const pending = rawGet(sandbox, groups, 1500);
    await held(sandbox, 1);
    expect(await pending).toEqual({ error: 'timeout' });
    await held(sandbox, 0); // the client closed its connection: the sandbox holds it no longer
    expect(await rawGet(sandbox, groups, 5000)).toEqual({ status: 200 });
    expect(await logged(sandbox, 2)).toEqual([0, 200]);
  });

  test('hangNext: once hangMs is up, the connection is closed without an answer', async () => {
    sandbox.setFaults({ hangNext: 1, hangMs: 200 });
    expect(await rawGet(sandbox, groups, 20000)).toEqual({ error: 'ECONNRESET' });
    expect(sandbox.held()).toBe(0);
    expect(await logged(sandbox, 1)).toEqual([0]);
  });

  test('dropNext: the connection is destroyed without an answer, as a reset; the requests after are answered', async () => {
    sandbox.setFaults({ dropNext: 2 });
    expect(await rawGet(sandbox, groups, 5000)).toEqual({ error: 'ECONNRESET' });
    expect(await rawGet(sandbox, `/api/v1/apps/${sandbox.appId}/users`, 5000)).toEqual({ error: 'ECONNRESET' });
    expect(await rawGet(sandbox, groups, 5000)).toEqual({ status: 200 });
    expect(await logged(sandbox, 3)).toEqual([0, 0, 200]);
    expect(sandbox.faults.dropNext).toBe(0);
  });

  test('a request still held does not keep the sandbox from closing', async () => {
    const other = await startOktaSandbox({ users: 0 });
    other.setFaults({ hangNext: 1, hangMs: 600000 });
    const pending = rawGet(other, '/api/v1/groups');
    await held(other, 1);
    await other.close();
    expect(await pending).toEqual({ error: 'ECONNRESET' });
    expect(other.held()).toBe(0);
  });

  test('emptyPageNext: pages of lists answer [] with self and next links to the same page, then the page itself', async () => {
    const path = `/api/v1/apps/${sandbox.appId}/users?limit=5&expand=user`;
    const expected = sandbox.state.appUsers(sandbox.appId).slice(0, 5).map((a) => a.userId);
    sandbox.setFaults({ emptyPageNext: 2 });
    for (let i = 0; i < 2; i++) {
      const empty = await call(sandbox, path);
      expect(empty.status).toBe(200);
      expect(asArray(empty.body)).toEqual([]);
      expect(empty.headers.get('link')).toContain(`<${sandbox.url}${path}>; rel="self"`);
      expect(nextLink(empty.headers)).toBe(`${sandbox.url}${path}`);
    }
    const page = await call(sandbox, path);
    expect(asArray(page.body).map((a) => a.id)).toEqual(expected);
    expect(nextLink(page.headers)).toContain('after=');

    // A later page empties the same way: its next link keeps its own cursor.
    const second = nextLink(page.headers) ?? '';
    sandbox.setFaults({ emptyPageNext: 1 });
    expect(nextLink((await call(sandbox, second)).headers)).toBe(second);
    expect(asArray((await call(sandbox, second)).body).length).toBe(5);
  });

  test('emptyPageNext leaves the System Log and lists Okta does not page alone', async () => {
    const user = sandbox.state.createUser({ profile: { firstName: 'Empty', lastName: 'Page', login: 'empty.page@example.com', email: 'empty.page@example.com' } });
    sandbox.setFaults({ emptyPageNext: 1 });
    const since = new Date(Date.now() - 3600_000).toISOString();
    expect(asArray((await call(sandbox, `/api/v1/logs?since=${since}`)).body).length).toBeGreaterThan(0);
    expect(asArray((await call(sandbox, `/api/v1/users/${user.id}/groups`)).body).length).toBeGreaterThan(0);
    expect(sandbox.faults.emptyPageNext).toBe(1);
    expect(asArray((await call(sandbox, '/api/v1/users?limit=3')).body)).toEqual([]);
    expect(sandbox.faults.emptyPageNext).toBe(0);
  });
});
