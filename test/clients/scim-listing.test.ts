import { createScimClient, type ScimClient } from '../../clients/scim';
import { secretFromValue } from '../../config/secret';
import { countRequests, resetFaults, startWfmSandbox, type WfmSandbox } from '../../sandbox/wfm/server';

const user = (n: number) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: `u${n}@example.com`,
  externalId: `00u${n}`,
  name: { givenName: 'Given', familyName: 'Family' },
  emails: [{ value: `u${n}@example.com`, type: 'work', primary: true }],
  active: true,
});

/** A WFM listing the sync cannot trust is refused as a whole, with a reason; an honest one is read to the end. */
describe('SCIM listing: totalResults, ids and pages are checked', () => {
  let wfm: WfmSandbox;
  let scim: ScimClient;
  beforeAll(async () => {
    wfm = await startWfmSandbox({ maxPageSize: 5 });
    for (let n = 1; n <= 10; n += 1) wfm.state.seedUser(user(n));
    scim = createScimClient({ scimUrl: wfm.scimUrl, token: secretFromValue(wfm.scimToken), pageSize: 5, requestTimeoutMs: 5000, maxRetries: 0 });
  });
  afterAll(() => wfm.close());
  beforeEach(() => {
    resetFaults(wfm.faults);
    wfm.requests.length = 0;
  });
  const gets = (): number => countRequests(wfm.requests, { method: 'GET', api: 'scim' });

  it('reads an honest listing whose last page is full, and makes sure nothing follows it', async () => {
    expect((await scim.listAll()).map((u) => u.externalId)).toEqual(Array.from({ length: 10 }, (_, i) => `00u${i + 1}`));
    expect(gets()).toBe(3);
  });

  it.each<[string, (f: WfmSandbox['faults']) => void, RegExp]>([
    ['totalResults too high', (f) => (f.listLiesTotal = 3), /listing announced 13 users \(totalResults\) but returned 10: the listing cannot be trusted/],
    ['totalResults too low', (f) => (f.listLiesTotal = -2), /listing announced 8 users \(totalResults\) but returned 10/],
    ['totalResults too low by a whole page', (f) => (f.listLiesTotal = -5), /listing announced 5 users \(totalResults\) but returned 10/],
    ['the same id on two pages', (f) => (f.duplicateAcrossPages = true), /listing returned user id [\w-]+ twice: the listing cannot be trusted/],
    ['resources without id', (f) => (f.listOmitsIds = true), /id: .*in a listing: the listing cannot be trusted/],
  ])('refuses a listing with %s', async (_what, fault, reason) => {
    fault(wfm.faults);
    const err: unknown = await scim.listAll().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'incomplete', service: 'wfm-scim', message: expect.stringMatching(reason) });
  });

  it('refuses a lookup whose totalResults promises a user it does not return, rather than answer "not found"', async () => {
    wfm.faults.listLiesTotal = 1;
    await expect(scim.findByExternalId('00u99')).rejects.toMatchObject({ kind: 'incomplete', message: expect.stringMatching(/search by externalId announced 1 user \(totalResults\) but returned 0/) });
    await expect(scim.findByUserName('u1@example.com')).rejects.toMatchObject({ kind: 'incomplete' });
  });

  it('an honest lookup costs one request', async () => {
    expect((await scim.findByExternalId('00u3')).map((u) => u.userName)).toEqual(['u3@example.com']);
    expect(await scim.findByUserName('nobody@example.com')).toEqual([]);
    expect(gets()).toBe(2);
  });
});
