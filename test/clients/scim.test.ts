import { createScimClient, type ScimClient } from '../../clients/scim';
import { filterValue } from '../../clients/scim-filter';
import { SyncError } from '../../clients/errors';
import { secretFromValue } from '../../config/secret';
import { countRequests, startWfmSandbox, type WfmSandbox } from '../../sandbox/wfm/server';

const user = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  name: { givenName: 'Given', familyName: 'Family' },
  emails: [{ value: userName, type: 'work', primary: true }],
  active: true,
  ...extra,
});

describe('the SCIM client against the sandbox WFM', () => {
  let wfm: WfmSandbox;
  let scim: ScimClient;
  beforeAll(async () => {
    wfm = await startWfmSandbox({ maxPageSize: 7 });
  });
  afterAll(() => wfm.close());
  beforeEach(() => {
    wfm.state.clear();
    wfm.requests.length = 0;
    wfm.faults.next = [];
    scim = createScimClient({ scimUrl: wfm.scimUrl, token: secretFromValue('sandbox-scim-token'), pageSize: 50, requestTimeoutMs: 5000, maxRetries: 3 });
  });

  it('lists every user by totalResults and the count actually returned (server caps pages at 7)', async () => {
    for (let i = 0; i < 23; i += 1) wfm.state.seedUser(user(`u${i}@example.com`));
    const all = await scim.listAll();
    expect(all.map((u) => u.userName).sort()).toEqual(Array.from({ length: 23 }, (_, i) => `u${i}@example.com`).sort());
    expect(countRequests(wfm.requests, { method: 'GET', api: 'scim' })).toBe(4);
  });

  it('sends Authorization: Bearer and maps a wrong token to an auth error', async () => {
    const bad = createScimClient({ scimUrl: wfm.scimUrl, token: secretFromValue('wrong'), pageSize: 50, requestTimeoutMs: 5000, maxRetries: 0 });
    await expect(bad.listAll()).rejects.toMatchObject({ kind: 'auth', status: 401 });
    await expect(bad.listAll()).rejects.not.toThrow(/wrong/);
  });

  it('escapes filter values so a crafted userName matches nobody else', async () => {
    wfm.state.seedUser(user('victim@example.com'));
    const crafted = 'x" or userName eq "victim@example.com';
    expect(filterValue(crafted)).toBe('"x\\" or userName eq \\"victim@example.com"');
    expect(await scim.findByUserName(crafted)).toEqual([]);
    expect(await scim.findByUserName('VICTIM@example.com')).toHaveLength(1);
    const quoted = wfm.state.seedUser(user('a+b@example.com', { externalId: 'ext"\\1' }));
    expect((await scim.findByExternalId('ext"\\1')).map((u) => u.id)).toEqual([quoted.id]);
  });

  it('creates, then answers 409 as a conflict for a duplicate userName in another case', async () => {
    const created = await scim.create(user('new.hire@example.com'));
    expect(created.id).toBeTruthy();
    await expect(scim.create(user('NEW.HIRE@example.com'))).rejects.toMatchObject({ kind: 'conflict', status: 409, scimType: 'uniqueness' });
  });

  it('replaces with If-Match and maps a stale version to 412', async () => {
    const created = await scim.create(user('put.me@example.com'));
    const replaced = await scim.replace(created.id, { ...created.raw, displayName: 'Put Me' }, created.version);
    expect(replaced.raw.displayName).toBe('Put Me');
    await expect(scim.replace(created.id, { ...created.raw, displayName: 'Stale' }, created.version)).rejects.toMatchObject({
      kind: 'conflict',
      status: 412,
    });
  });

  it('URL-encodes ids, so an id like ../x cannot reach another path', async () => {
    await expect(scim.get('../x')).rejects.toMatchObject({ kind: 'not-found' });
    expect(wfm.requests.at(-1)?.path).toBe('/scim/v2/Users/..%2Fx');
  });

  it.each([['429'], ['503']] as const)('waits for Retry-After on a %s and then succeeds', async (kind) => {
    wfm.state.seedUser(user('retry@example.com'));
    wfm.faults.next = [{ kind, count: 1, methods: ['GET'] }];
    const all = await scim.listAll();
    expect(all).toHaveLength(1);
    expect(scim.stats().retries).toBe(1);
    const [first, second] = wfm.requests.filter((r) => r.api === 'scim');
    expect(first?.status).toBe(Number(kind));
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it('fails at once, carrying the delay, when Retry-After asks for a longer pause than the client waits', async () => {
    wfm.state.seedUser(user('later@example.com'));
    wfm.faults.next = [{ kind: '503', count: 1, methods: ['GET'], retryAfterSeconds: 3600 }];
    await expect(scim.listAll()).rejects.toMatchObject({ kind: 'transient', status: 503, retryAfterMs: 3_600_000 });
    expect(countRequests(wfm.requests, { method: 'GET', api: 'scim' })).toBe(1);
  });

  it('does not resend a POST after a 500 (the caller looks it up first)', async () => {
    wfm.faults.next = [{ kind: '500', count: 1, methods: ['POST'] }];
    await expect(scim.create(user('once@example.com'))).rejects.toBeInstanceOf(SyncError);
    expect(countRequests(wfm.requests, { method: 'POST', api: 'scim' })).toBe(1);
  });

  it('refuses a listing whose resources have no id', async () => {
    wfm.state.seedUser(user('noid@example.com'));
    wfm.faults.listOmitsIds = true;
    try {
      await expect(scim.listAll()).rejects.toMatchObject({ kind: 'incomplete' });
    } finally {
      wfm.faults.listOmitsIds = false;
    }
  });
});
