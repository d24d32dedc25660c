// The SCIM client and write path against documented behaviours of real SCIM service providers
// (test/helpers/real-scim.ts): what each one answers, and what the sync does with it.
import { SyncError } from '../../clients/errors';
import { DEFAULT_MAPPING } from '../../config/mapping';
import { copyTooOld } from '../../jobs/apply-plan';
import { applyAction } from '../../sync/apply';
import { plan } from '../../sync/plan';
import type { CreateAction, ScimResource, UpdateAction } from '../../sync/types';
import { ENTERPRISE_URN } from '../../config/targets';
import { desiredUser, heldUser, portsOf } from '../helpers/scim-writes';
import { realServers } from '../helpers/real-scim';
import { scimUser } from '../helpers/scim-server';

const mapping = DEFAULT_MAPPING;
/** The ports a queued write uses (jobs/apply-plan.ts executeWrite): a listed copy read < 60 s ago is merged into as it is. */
const prodPorts = (scim: Parameters<typeof portsOf>[0]) => ({ ...portsOf(scim), readAgain: (u: Parameters<typeof copyTooOld>[0]) => copyTooOld(u, Date.now()) });

describe('SCIM servers of real makes', () => {
  const { start, close } = realServers();
  afterAll(close);

  it.each([['invalidValue'], ['bare400']] as const)(
    'a create refused as a duplicate with 400 %s (go-scim, FusionAuth before 1.37, WSO2 IS) is looked up and linked, as a 409 is',
    async (duplicate) => {
      const { server, scim } = await start([heldUser('w1', 'maria@example.com')], { duplicate });
      const [action] = plan([desiredUser('00u1', 'maria@example.com', 'Lopez')], [], { mapping });
      await expect(applyAction(action as CreateAction, prodPorts(scim))).resolves.toMatchObject({ appliedAs: 'update', wfmId: 'w1' });
      expect(server.users.get('w1')?.externalId).toBe('00u1');
    },
  );

  it("a create refused with a 400 that no lookup explains fails with the WFM's own refusal", async () => {
    const { server, scim } = await start([]);
    const refusal = new SyncError('WFM SCIM POST /Users answered 400 (invalidValue): phoneNumbers is not valid', { kind: 'invalid', service: 'wfm-scim', status: 400, scimType: 'invalidValue' });
    const refusing = { ...scim, create: () => Promise.reject(refusal) };
    const [action] = plan([desiredUser('00u2', 'nobody@example.com', 'Lopez')], [], { mapping });
    await expect(applyAction(action as CreateAction, { ...prodPorts(scim), scim: refusing })).rejects.toBe(refusal);
    expect(server.seen.filter((r) => r.startsWith('GET /scim/v2/Users?') && r.includes('filter=')).length).toBe(2); // looked up first, by externalId and by userName
    expect(server.users.size).toBe(0);
  });

  describe('a search whose totalResults counts every user, not the matches (the "Pitfall 6" advice some implementers follow)', () => {
    const many = Array.from({ length: 25 }, (_, i) => scimUser(`u${i + 1}`, `user${i + 1}@example.com`, { externalId: `00u${i + 1}` }));

    it('finds the one match, and a search matching nobody finds none; one page of one user tells, once', async () => {
      const { server, scim } = await start(many, { totalIsEveryUser: true });
      expect((await scim.findByUserName('user7@example.com')).map((u) => u.id)).toEqual(['u7']);
      expect(await scim.findByExternalId('00u404')).toEqual([]);
      expect((await scim.findByExternalId('00u9')).map((u) => u.id)).toEqual(['u9']);
      expect(server.seen.filter((r) => r === 'GET /scim/v2/Users?startIndex=1&count=1')).toHaveLength(1);
    });
  });

  describe('a server that reads startIndex as a 0-based offset (OSIAM, SimpleIdServer 2.0.0, Harness before a fix)', () => {
    const many = Array.from({ length: 25 }, (_, i) => scimUser(`u${i + 1}`, `user${i + 1}@example.com`, { externalId: `00u${i + 1}` }));

    it('is found out by one page asked at startIndex 0, and read so from then on: every user listed, every search finds its user', async () => {
      const { server, scim } = await start(many, { zeroBasedOffset: true });
      expect((await scim.listAll()).map((u) => u.id).sort()).toEqual(many.map((u) => String(u.id)).sort());
      const asked = server.seen.length;
      expect((await scim.listAll()).length).toBe(25);
      expect(server.seen.slice(asked).every((r) => /startIndex=(0|10|20)&/.test(r))).toBe(true); // 0-based from the start: pages at 0, 10, 20
      expect((await scim.findByUserName('user1@example.com')).map((u) => u.id)).toEqual(['u1']);
      expect((await scim.findByExternalId('00u25')).map((u) => u.id)).toEqual(['u25']);
    });

    it('a search on such a server finds its one user even before any listing', async () => {
      const { scim } = await start(many, { zeroBasedOffset: true });
      expect((await scim.findByExternalId('00u3')).map((u) => u.id)).toEqual(['u3']);
    });
  });

  describe('a server that does not read startIndex (SCIMMY Routers on Express 5, whose query is read-only to it; IAM Identity Center pages by cursor)', () => {
    const many = Array.from({ length: 25 }, (_, i) => scimUser(`u${i + 1}`, `user${i + 1}@example.com`, { externalId: `00u${i + 1}` }));

    it('its listing is refused as the first page again, naming WFM_READ_MODE=lookup; its searches still find each user', async () => {
      const { server, scim } = await start(many, { ignoresStartIndex: true });
      await expect(scim.listAll()).rejects.toMatchObject({
        kind: 'incomplete',
        message: 'WFM SCIM listing answered startIndex=11 with its first page again (10 of the 25 users announced): it does not page by startIndex; set WFM_READ_MODE=lookup (each user is then looked up by filter; off-boarding needs the listing): the listing cannot be trusted',
      });
      expect(server.seen.filter((r) => r.includes('startIndex=11&'))).toHaveLength(3); // read again, as any listing that cannot be trusted
      expect((await scim.findByExternalId('00u17')).map((u) => u.id)).toEqual(['u17']);
      expect((await scim.findByUserName('user23@example.com')).map((u) => u.id)).toEqual(['u23']);
    });

    it('the preflight sample tells it by the next page, and tells nothing of a server that pages, or of a listing of one page', async () => {
      const ignoring = await start(many, { ignoresStartIndex: true });
      expect(await ignoring.scim.sampleListing(5)).toEqual({
        users: expect.any(Array) as unknown,
        firstPageAgain: 'answered startIndex=6 with its first page again (5 of the 25 users announced): it does not page by startIndex; set WFM_READ_MODE=lookup (each user is then looked up by filter; off-boarding needs the listing)',
      });
      const paging = await start(many);
      expect((await paging.scim.sampleListing(5)).firstPageAgain).toBeUndefined();
      expect(paging.server.seen).toEqual(['GET /scim/v2/Users?startIndex=1&count=5', 'GET /scim/v2/Users?startIndex=6&count=5']);
      const few = await start(many.slice(0, 4), { ignoresStartIndex: true });
      expect(await few.scim.sampleListing(5)).toEqual({ users: expect.any(Array) as unknown });
      expect(few.server.seen).toHaveLength(1);
      expect((await few.scim.listAll()).length).toBe(4);
    });
  });

  describe("a server whose totalResults is each page's own count (SCIMMY 1.3 whose egress pages in its store, as its docs show)", () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => scimUser(`u${i + 1}`, `user${i + 1}@example.com`, { externalId: `00u${i + 1}` }));
    const listings = (seen: readonly string[]) => seen.filter((r) => !r.includes('filter=')).map((r) => Number(/startIndex=(\d+)/.exec(r)?.[1]));

    it.each([[25], [20]])('its listing of %i users is read to its end twice, and taken as both reads agree', async (n) => {
      const { server, scim } = await start(many(n), { totalPerPage: true });
      expect((await scim.listAll()).map((u) => u.id)).toEqual(many(n).map((u) => u.id));
      expect(listings(server.seen)).toEqual([1, 11, 21, 1, 11, 21]); // 21: a short page of 5, or an empty one
    });

    it('a compliant server, and a search, are read once as before', async () => {
      const { server, scim } = await start(many(25));
      expect((await scim.listAll()).length).toBe(25);
      expect(listings(server.seen)).toEqual([1, 11, 21]);
      const perPage = await start(many(25), { totalPerPage: true });
      expect((await perPage.scim.findByExternalId('00u14')).map((u) => u.id)).toEqual(['u14']);
    });
  });

  describe('a listing that holds less than GET /Users/{id} (Zoom: ListUsers leaves out what GetUser shows)', () => {
    const ZOOM_LIST_OMITS = [`${ENTERPRISE_URN}:manager`, `${ENTERPRISE_URN}:costCenter`, 'title'];
    const held = (): ScimResource => {
      const user: ScimResource = { ...heldUser('w1', 'maria@example.com', '00u1'), [ENTERPRISE_URN]: { manager: { value: 'mgr-42' }, costCenter: 'CC-7' } };
      return { ...user, schemas: [...(user.schemas as string[]), ENTERPRISE_URN] };
    };

    it('with WFM_READ_BEFORE_UPDATE=always an update reads its user first: what a WFM admin set and the listing left out stays', async () => {
      const { server, scim } = await start([held()], { listOmits: ZOOM_LIST_OMITS });
      const [action] = plan([desiredUser('00u1', 'maria@example.com', 'Smith')], await scim.listAll(), { mapping });
      expect(action?.type).toBe('update');
      const result = await applyAction(action as UpdateAction, { ...portsOf(scim), readAgain: () => true });
      expect(server.users.get('w1')).toMatchObject({ name: { familyName: 'Smith' }, title: 'Set by a WFM admin', [ENTERPRISE_URN]: { manager: { value: 'mgr-42' }, costCenter: 'CC-7' } });
      // What the read showed and the listed copy lacked is told, for the worker to warn about.
      expect(result.unlisted).toEqual(['title', `${ENTERPRISE_URN}:costCenter`.toLowerCase(), `${ENTERPRISE_URN}:manager`.toLowerCase()].sort());
    });

    it('on a server whose listing holds every attribute, the read tells nothing left out', async () => {
      const { scim } = await start([held()]);
      const [action] = plan([desiredUser('00u1', 'maria@example.com', 'Smith')], await scim.listAll(), { mapping });
      const result = await applyAction(action as UpdateAction, { ...portsOf(scim), readAgain: () => true });
      expect(result.unlisted).toBeUndefined();
    });
  });
});

