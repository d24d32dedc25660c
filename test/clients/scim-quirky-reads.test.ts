import { createScimClient, type ScimClient } from '../../clients/scim';
import { secretFromValue } from '../../config/secret';
import type { ScimResource } from '../../sync/types';
import { startQuirkyScim, type QuirkyScim } from '../helpers/quirky-scim';
import { scimUser } from '../helpers/scim-server';

/** The real SCIM client reading from SCIM servers of other makes, each with one quirk. */
const user = (id: string, userName: string, externalId: string): ScimResource => scimUser(id, userName, { externalId, active: id !== 'a3' });

const SEED = [user('a1', 'maria@example.com', '00u1'), user('a2', "o'brien@example.com", '00u2'), user('a3', 'josé.núñez@example.com', '00u3')];

const clientOf = (server: QuirkyScim, maxRetries = 0): ScimClient =>
  createScimClient({ scimUrl: server.url, token: secretFromValue('t'), pageSize: 2, requestTimeoutMs: 5000, maxRetries });

describe('reading users from SCIM servers of other makes', () => {
  const servers: QuirkyScim[] = [];
  const start = async (...args: Parameters<typeof startQuirkyScim>): Promise<QuirkyScim> => {
    const s = await startQuirkyScim(...args);
    servers.push(s);
    return s;
  };
  afterAll(() => Promise.all(servers.map((s) => s.close())));

  it.each([['absent'], ['null']] as const)('an empty ListResponse with Resources %s is an empty answer (RFC 7643 §2.5)', async (emptyResources) => {
    const scim = clientOf(await start(SEED, { emptyResources }));
    expect(await scim.findByUserName('nobody@example.com')).toEqual([]);
    expect(await scim.findByExternalId('00u9')).toEqual([]);
    expect((await scim.listAll()).map((u) => u.id)).toEqual(['a1', 'a2', 'a3']);
  });

  it('reads itemsPerPage and startIndex sent as null, and a page size capped below the count asked', async () => {
    const scim = createScimClient({ scimUrl: (await start(SEED, { nullPaging: true, maxPageSize: 1 })).url, token: secretFromValue('t'), pageSize: 50, requestTimeoutMs: 5000, maxRetries: 0 });
    expect((await scim.listAll()).map((u) => u.id)).toEqual(['a1', 'a2', 'a3']);
  });

  it('reads totalResults, startIndex and itemsPerPage written as strings', async () => {
    const scim = createScimClient({ scimUrl: (await start(SEED, { pagingAsStrings: true, maxPageSize: 2 })).url, token: secretFromValue('t'), pageSize: 2, requestTimeoutMs: 5000, maxRetries: 0 });
    expect((await scim.listAll()).map((u) => u.id)).toEqual(['a1', 'a2', 'a3']);
    expect((await scim.findByExternalId('00u2')).map((u) => u.id)).toEqual(['a2']);
  });

  it.each([[400], [404]] as const)('ends a listing whose last page is full when the page past it is refused with %s, and fails one refused before the end', async (pastEnd) => {
    const four = [...SEED, user('a4', 'ana@example.com', '00u4')];
    const server = await start(four, { pastEnd });
    expect((await clientOf(server).listAll()).map((u) => u.id)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(server.seen.at(-1)).toContain('startIndex=5');
    const refusedEarly = await start(four, { next: [{ status: 200, contentType: 'application/scim+json', body: JSON.stringify({ totalResults: 4, Resources: four.slice(0, 2) }) }, { status: pastEnd, contentType: 'application/scim+json', body: '{"detail":"no"}' }] });
    await expect(clientOf(refusedEarly).listAll()).rejects.toMatchObject({ status: pastEnd });
  });

  it('reads the listing again when users moved between its pages, and gives up after three reads that cannot be trusted', async () => {
    const [a0, a1, a2, a3] = [user('a0', 'new@example.com', '00u0'), ...SEED];
    const page = (resources: ScimResource[], total: number) => ({ status: 200, contentType: 'application/scim+json', body: JSON.stringify({ totalResults: total, Resources: resources }) });
    // A user added before the cursor between two pages: the second page repeats a2.
    const shifted = [page([a1 as ScimResource, a2 as ScimResource], 3), page([a2 as ScimResource, a3 as ScimResource], 4)];
    const server = await start([a0 as ScimResource, ...SEED], { next: [...shifted] });
    expect((await clientOf(server).listAll()).map((u) => u.id)).toEqual(['a0', 'a1', 'a2', 'a3']);
    const restless = await start(SEED, { next: [...shifted, ...shifted, ...shifted] });
    await expect(clientOf(restless).listAll()).rejects.toMatchObject({ kind: 'incomplete', message: expect.stringMatching(/returned user id a2 twice/) });
    expect(restless.seen.filter((r) => r.includes('startIndex=1&')).length).toBe(3);
  });

  it('reads active sent as the string "true" or "false"', async () => {
    const scim = clientOf(await start(SEED, { activeAsString: true }));
    expect((await scim.listAll()).map((u) => [u.id, u.active])).toEqual([
      ['a1', true],
      ['a2', true],
      ['a3', false],
    ]);
    expect((await scim.get('a3')).active).toBe(false);
  });

  it('reads ids and versions sent as JSON numbers as their text, and writes to them', async () => {
    const server = await start([scimUser('7', 'maria@example.com', { externalId: '00u1' })], { integerIds: true });
    const scim = clientOf(server);
    expect((await scim.listAll()).map((u) => [u.id, typeof u.version])).toEqual([['7', 'string']]);
    expect((await scim.findByUserName('maria@example.com')).map((u) => u.id)).toEqual(['7']);
    const created = await scim.create({ ...scimUser('new', 'ana@example.com', { externalId: '00u2' }), id: undefined });
    expect(created.id).toMatch(/^\d+$/);
    const held = await scim.get('7');
    expect((await scim.replace('7', { ...held.raw, displayName: 'Maria' }, held.version)).id).toBe('7');
    expect(server.users.get('7')?.displayName).toBe('Maria');
  });

  it('finds logins with an apostrophe and non-ASCII letters, sent percent-encoded as UTF-8', async () => {
    const server = await start(SEED);
    const scim = clientOf(server);
    expect((await scim.findByUserName("O'Brien@example.com")).map((u) => u.id)).toEqual(['a2']);
    expect((await scim.findByUserName('JOSÉ.NÚÑEZ@example.com')).map((u) => u.id)).toEqual(['a3']);
    expect(server.seen.at(-1)).toContain(encodeURIComponent('"JOSÉ.NÚÑEZ@example.com"'));
  });

  it('retries a GET answered by a proxy with an HTML 502 or an empty 503, and reads the JSON that follows with a charset', async () => {
    const server = await start(SEED, {
      next: [
        { status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
        { status: 503, body: '' },
        { status: 200, contentType: 'application/json; charset=utf-8', body: JSON.stringify(user('a1', 'maria@example.com', '00u1')) },
      ],
    });
    const scim = clientOf(server, 2);
    expect(await scim.get('a1')).toMatchObject({ id: 'a1', userName: 'maria@example.com' });
    expect(scim.stats()).toMatchObject({ retries: 2, byStatus: { '502': 1, '503': 1, '200': 1 } });
  });

  it('names the status, not a JSON error, when a proxy answers HTML', async () => {
    const server = await start(SEED, { next: [{ status: 502, contentType: 'text/html; charset=UTF-8', body: '<html><body>Bad Gateway</body></html>' }] });
    await expect(clientOf(server).get('a1')).rejects.toMatchObject({ kind: 'transient', status: 502, message: expect.stringMatching(/^WFM SCIM GET \/Users\/a1 answered 502/) });
  });
});
