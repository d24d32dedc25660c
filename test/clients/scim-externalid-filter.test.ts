import { externalIdFilterRefused } from '../../clients/errors';
import { createScimClient } from '../../clients/scim';
import { EXTERNAL_ID_REFUSAL_MEMORY_MS } from '../../clients/scim-user-port';
import { secretFromValue } from '../../config/secret';
import { DEFAULT_MAPPING } from '../../config/mapping';
import { readWfmUsers } from '../../jobs/read-wfm';
import { applyAction } from '../../sync/apply';
import { plan } from '../../sync/plan';
import type { CreateAction, ScimResource } from '../../sync/types';
import { quirkyServers, type Quirks } from '../helpers/quirky-scim';
import { desiredUser, heldUser, portsOf } from '../helpers/scim-writes';

/**
 * The real SCIM client and apply with servers that do not filter users by externalId (servers
 * built for Okta's own provisioning filter by userName alone): RFC 7644 §3.4.2.2 lets them answer
 * 400 invalidFilter; some answer 400 with no scimType, some 501.
 */
const mapping = DEFAULT_MAPPING;
const SCIM_JSON = 'application/scim+json';
const byExternalId = (id: string): string => `GET /scim/v2/Users?startIndex=1&count=10&filter=${encodeURIComponent(`externalId eq "${id}"`)}`;
const byUserName = (userName: string): string => `GET /scim/v2/Users?startIndex=1&count=10&filter=${encodeURIComponent(`userName eq "${userName}"`)}`;
const scimError = (status: number, scimType?: string): string =>
  JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), ...(scimType ? { scimType } : {}), detail: 'no' });

describe('a WFM that does not filter users by externalId', () => {
  const { start, close } = quirkyServers();
  afterAll(close);

  /** A create of Maria (Okta id 00u1) planned against an empty WFM; the test then puts `there` in the server's store. */
  async function createCase(refusal: Quirks['externalIdFilter'], there?: ScimResource) {
    const { server, scim } = await start([], { externalIdFilter: refusal });
    const [action] = plan([desiredUser('00u1', 'maria@example.com', 'Lopez')], await scim.listAll(), { mapping });
    expect(action?.type).toBe('create');
    if (there) server.users.set(String(there.id), there);
    server.seen.length = 0;
    return { server, scim, action: action as CreateAction };
  }

  describe.each<[Quirks['externalIdFilter']]>([['invalidFilter'], ['bare400'], ['501']])('answering %s', (refusal) => {
    it('findByExternalId says so by a mark, and the client never sends that filter again, from any of its ports', async () => {
      const { server, scim } = await start([heldUser('w1', 'maria@example.com', '00u1')], { externalIdFilter: refusal });
      const first = await scim.findByExternalId('00u1').catch((err: unknown) => err);
      expect(externalIdFilterRefused(first)).toBe(true);
      expect(first).toMatchObject({ kind: 'invalid', service: 'wfm-scim', message: expect.stringMatching(/^the WFM refuses filtering users by externalId: .* answered (400|501)/) });
      expect(server.seen).toEqual([byExternalId('00u1')]);

      const again = await scim.findByExternalId('00u2').catch((err: unknown) => err);
      const counted = await scim.counting(() => undefined).findByExternalId('00u3').catch((err: unknown) => err);
      expect(externalIdFilterRefused(again)).toBe(true);
      expect(externalIdFilterRefused(counted)).toBe(true);
      expect(again).toMatchObject({ message: (first as Error).message });
      expect(server.seen).toEqual([byExternalId('00u1')]);
      // The userName filter is still used.
      expect((await scim.findByUserName('MARIA@example.com')).map((u) => u.id)).toEqual(['w1']);
    });

    it('a create answered 409 finds its user by userName: linked to this Okta user, the create is confirmed', async () => {
      const { server, scim, action } = await createCase(refusal, heldUser('w9', 'maria@example.com', '00u1'));
      await expect(applyAction(action, portsOf(scim))).resolves.toMatchObject({ appliedAs: 'create', wfmId: 'w9', note: 'create confirmed by lookup' });
      // The role it lacks is merged in; nothing else is sent again.
      expect(server.seen).toEqual(['POST /scim/v2/Users', byExternalId('00u1'), byUserName('maria@example.com'), 'PUT /scim/v2/Users/w9']);
    });

    it('a create answered 409 finds its user by userName: linked to nobody, it is linked (a PUT with the externalId)', async () => {
      const { server, scim, action } = await createCase(refusal, heldUser('w9', 'maria@example.com'));
      const result = await applyAction(action, portsOf(scim));
      expect(result).toMatchObject({ appliedAs: 'update', wfmId: 'w9', note: 'userName already in the WFM: linked' });
      expect(server.users.get('w9')).toMatchObject({ externalId: '00u1', title: 'Set by a WFM admin' });
      expect(server.seen).toEqual(['POST /scim/v2/Users', byExternalId('00u1'), byUserName('maria@example.com'), 'PUT /scim/v2/Users/w9']);
    });

    it('a create answered 409 whose userName is held by a user linked to another Okta user is a conflict, and nothing is written', async () => {
      const { server, scim, action } = await createCase(refusal, heldUser('w9', 'maria@example.com', '00u7'));
      await expect(applyAction(action, portsOf(scim))).rejects.toMatchObject({ kind: 'conflict', message: expect.stringMatching(/w9 with this userName carries another externalId \(00u7\): another Okta user's, or another system's/) });
      expect(server.seen.filter((r) => r.startsWith('PUT'))).toEqual([]);
    });

    it('a 201 without the user finds it by the userName sent', async () => {
      const { server, scim, action } = await createCase(refusal);
      server.quirks.next.push({ status: 201, contentType: SCIM_JSON, body: '{}' });
      server.users.set('w9', heldUser('w9', 'maria@example.com', '00u1'));
      await expect(applyAction(action, portsOf(scim))).resolves.toEqual({ appliedAs: 'create', wfmId: 'w9', changes: [], dropped: ['roles.primary'] }); // the user it holds has no role
      expect(server.seen).toEqual(['POST /scim/v2/Users', byExternalId('00u1'), byUserName('maria@example.com')]);
    });

    it('a 201 without the user accepts the one userName match only when it carries no externalId or the one sent', async () => {
      const { server, scim, action } = await createCase(refusal);
      const resource = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'maria@example.com', externalId: '00u1' };
      server.users.set('w9', heldUser('w9', 'maria@example.com'));
      server.quirks.next.push({ status: 201, contentType: 'text/plain', body: 'Created' });
      await expect(scim.create(resource)).resolves.toMatchObject({ id: 'w9', userName: 'maria@example.com' });

      server.users.set('w9', heldUser('w9', 'maria@example.com', '00u7'));
      server.quirks.next.push({ status: 201, contentType: 'text/plain', body: 'Created' });
      await expect(scim.create(resource)).rejects.toMatchObject({
        kind: 'invalid',
        message: 'WFM SCIM POST /Users answered 201 without the user it created, and the WFM does not filter by externalId, and the user holding its userName carries another externalId',
      });

      server.users.delete('w9');
      server.quirks.next.push({ status: 201, contentType: 'text/plain', body: 'Created' });
      await expect(applyAction(action, portsOf(scim))).rejects.toMatchObject({ message: expect.stringMatching(/does not filter by externalId, and no user holds its userName$/) });
    });

    it('WFM_READ_MODE=lookup stops with a setting error that says to list instead', async () => {
      const { server, scim } = await start([heldUser('w1', 'maria@example.com', '00u1')], { externalIdFilter: refusal });
      const want = [desiredUser('00u1', 'maria@example.com', 'Lopez'), desiredUser('00u2', 'ana@example.com', 'Ruiz')];
      await expect(readWfmUsers(scim, 'lookup', want, 2)).rejects.toMatchObject({
        kind: 'config',
        message: expect.stringMatching(/^the WFM does not filter users by externalId \(WFM SCIM GET \/Users answered (400|501).*\), which WFM_READ_MODE=lookup needs: .*; use WFM_READ_MODE=list$/),
      });
      expect(server.seen.filter((r) => r.includes('userName'))).toEqual([]);
      await expect(readWfmUsers(scim, 'list', want, 2)).resolves.toMatchObject({ users: [{ id: 'w1' }], unreadable: [] });
    });
  });

  it('the refusal is remembered for a while, then the filter is tried again (a proxy may have refused it, the WFM may be upgraded)', async () => {
    const { server } = await start([heldUser('w1', 'maria@example.com', '00u1')], { externalIdFilter: 'invalidFilter' });
    let clock = 1_000_000;
    const scim = createScimClient({ scimUrl: server.url, token: secretFromValue('t'), pageSize: 10, requestTimeoutMs: 5000, maxRetries: 0, now: () => clock });
    expect(externalIdFilterRefused(await scim.findByExternalId('00u1').catch((err: unknown) => err))).toBe(true);
    server.quirks.externalIdFilter = 'supported';
    clock += EXTERNAL_ID_REFUSAL_MEMORY_MS - 1;
    expect(externalIdFilterRefused(await scim.findByExternalId('00u1').catch((err: unknown) => err))).toBe(true);
    expect(server.seen).toEqual([byExternalId('00u1')]);
    clock += 1;
    expect((await scim.findByExternalId('00u1')).map((u) => u.id)).toEqual(['w1']);
    expect(server.seen).toEqual([byExternalId('00u1'), byExternalId('00u1')]);
  });

  describe('what is not a refusal of the externalId filter', () => {
    it('a WFM that filters by externalId answers the search, as before', async () => {
      const { server, scim } = await start([heldUser('w1', 'maria@example.com', '00u1'), heldUser('w2', 'ana@example.com', '00u2')]);
      expect((await scim.findByExternalId('00u1')).map((u) => u.id)).toEqual(['w1']);
      expect(server.seen).toEqual([byExternalId('00u1')]);
    });

    it.each([
      ['400 invalidValue', 400, 'invalidValue'],
      ['400 tooMany', 400, 'tooMany'],
      ['500', 500, undefined],
    ])('%s on the externalId search is the error it was, and the next search sends the filter again', async (_what, status, scimType) => {
      const { server, scim } = await start([heldUser('w1', 'maria@example.com', '00u1')]);
      server.quirks.next.push({ status, contentType: SCIM_JSON, body: scimError(status, scimType) });
      const err = await scim.findByExternalId('00u1').catch((e: unknown) => e);
      expect(err).toMatchObject({ status });
      expect(externalIdFilterRefused(err)).toBe(false);
      expect((await scim.findByExternalId('00u1')).map((u) => u.id)).toEqual(['w1']);
      expect(server.seen).toEqual([byExternalId('00u1'), byExternalId('00u1')]);
    });

    it('a 400 invalidFilter on the userName search is the error it was, and the externalId filter is still sent', async () => {
      const { server, scim } = await start([heldUser('w1', 'maria@example.com', '00u1')]);
      server.quirks.next.push({ status: 400, contentType: SCIM_JSON, body: scimError(400, 'invalidFilter') });
      const err = await scim.findByUserName('maria@example.com').catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 400, scimType: 'invalidFilter', kind: 'invalid' });
      expect(externalIdFilterRefused(err)).toBe(false);
      expect((await scim.findByExternalId('00u1')).map((u) => u.id)).toEqual(['w1']);
      expect(server.seen).toEqual([byUserName('maria@example.com'), byExternalId('00u1')]);
    });
  });
});
