import { DEFAULT_MAPPING } from '../../config/mapping';
import { CORE_URN } from '../../config/targets';
import { applyAction } from '../../sync/apply';
import { plan } from '../../sync/plan';
import type { CreateAction, ScimResource, UpdateAction } from '../../sync/types';
import { quirkyServers, type QuirkyScim } from '../helpers/quirky-scim';
import { desiredUser, heldUser, portsOf } from '../helpers/scim-writes';

/**
 * The real SCIM client and apply with servers whose 2xx answer to a write is not the user
 * (RFC 7644 §3.3 and §3.5.1: SHOULD, not must): the id alone, `{}`, text, or JSON sent as text.
 * Each such answer is served raw in place of the server's own, as a proxy in front of it would.
 */
const mapping = DEFAULT_MAPPING;
const SCIM_JSON = 'application/scim+json';

const desired = desiredUser;
const held = heldUser;

/** A user to create: what a POST sends, without an id. */
const toCreate = (userName: string, externalId: string): ScimResource => {
  const { id: _id, ...resource } = held('', userName, externalId);
  return resource;
};

const answer = (server: QuirkyScim, status: number, contentType: string | undefined, body: string): void => {
  server.quirks.next.push({ status, ...(contentType ? { contentType } : {}), body });
};

const idAndMeta = (id: string): string => JSON.stringify({ schemas: [CORE_URN], id, meta: { resourceType: 'User', location: `/Users/${id}` } });

describe('writes answered 2xx without a readable user', () => {
  const { start, close } = quirkyServers();
  afterAll(close);

  /** A create planned against an empty WFM; the user the server makes of the POST is put in its store by the test. */
  async function createCase() {
    const { server, scim } = await start([]);
    const want = desired('00u1', 'maria@example.com', 'Lopez');
    const [action] = plan([want], await scim.listAll(), { mapping });
    expect(action?.type).toBe('create');
    server.users.set('w9', held('w9', 'maria@example.com', '00u1'));
    return { server, scim, action: action as CreateAction };
  }

  it('a POST answered 201 {"id"} alone creates, and the created user is read back by that id', async () => {
    const { server, scim, action } = await createCase();
    answer(server, 201, SCIM_JSON, '{"id":"w9"}');
    await expect(applyAction(action, portsOf(scim))).resolves.toEqual({ appliedAs: 'create', wfmId: 'w9', changes: [], dropped: ['roles.primary'] }); // the user it holds has no role
    expect(server.seen.slice(-2)).toEqual(['POST /scim/v2/Users', 'GET /scim/v2/Users/w9']);

    answer(server, 201, SCIM_JSON, '{"ID":9}');
    server.users.set('9', held('9', 'other@example.com', '00u2'));
    const created = await scim.create(toCreate('other@example.com', '00u2'));
    expect(created).toMatchObject({ id: '9', userName: 'other@example.com', externalId: '00u2', active: true });
    expect(server.seen.slice(-1)).toEqual(['GET /scim/v2/Users/9']);
  });

  it.each([
    ['{} as JSON', SCIM_JSON, '{}'],
    ['plain text', 'text/plain', 'Created'],
  ])('a POST answered 201 with %s creates, and the created user is found by the externalId sent', async (_what, contentType, body) => {
    const { server, scim, action } = await createCase();
    answer(server, 201, contentType, body);
    await expect(applyAction(action, portsOf(scim))).resolves.toEqual({ appliedAs: 'create', wfmId: 'w9', changes: [], dropped: ['roles.primary'] });
    expect(server.seen.slice(-2)).toEqual(['POST /scim/v2/Users', `GET /scim/v2/Users?startIndex=1&count=10&filter=${encodeURIComponent('externalId eq "00u1"')}`]);
  });

  it.each([
    ['{schemas, id, meta}', SCIM_JSON, idAndMeta('w1')],
    ['{} as JSON', SCIM_JSON, '{}'],
    ['the id and meta.version alone', 'application/json', '{"id":"w1","meta":{"version":3}}'],
    ['plain text', 'text/plain', 'OK'],
  ])('a PUT answered 200 with %s is applied, and the user read again', async (_what, contentType, body) => {
    const { server, scim } = await start([held('w1', 'maria@example.com', '00u1')]);
    const [action] = plan([desired('00u1', 'maria@example.com', 'Smith')], await scim.listAll(), { mapping });
    expect(action?.type).toBe('update');
    answer(server, 200, contentType, body);
    const result = await applyAction(action as UpdateAction, portsOf(scim));
    expect(result).toMatchObject({ appliedAs: 'update', wfmId: 'w1', changes: expect.arrayContaining([{ path: 'name.familyName', from: 'Lopez', to: 'Smith' }]) });
    expect(result.note).toBeUndefined();
    expect(server.seen.slice(-2)).toEqual(['PUT /scim/v2/Users/w1', 'GET /scim/v2/Users/w1']);

    answer(server, 200, contentType, body);
    const replaced = await scim.replace('w1', held('w1', 'maria@example.com', '00u1'));
    expect(replaced).toMatchObject({ id: 'w1', userName: 'maria@example.com', externalId: '00u1' });
  });

  describe('a JSON user sent with a Content-Type that is not JSON is read', () => {
    it.each([['text/plain'], ['application/octet-stream'], ['text/html; charset=utf-8']])('%s: GET, POST and PUT answers', async (contentType) => {
      const { server, scim } = await start([held('w1', 'maria@example.com', '00u1')]);
      const asText = (r: ScimResource): string => `\n${JSON.stringify({ ...r, meta: { resourceType: 'User', version: 'W/"7"' } })}`;

      answer(server, 200, contentType, asText(held('w1', 'maria@example.com', '00u1')));
      await expect(scim.get('w1')).resolves.toMatchObject({ id: 'w1', userName: 'maria@example.com', version: 'W/"7"' });

      answer(server, 201, contentType, asText(held('w5', 'new@example.com', '00u5')));
      await expect(scim.create(toCreate('new@example.com', '00u5'))).resolves.toMatchObject({ id: 'w5', userName: 'new@example.com', externalId: '00u5' });
      expect(server.seen.slice(-1)).toEqual(['POST /scim/v2/Users']);

      const [action] = plan([desired('00u1', 'maria@example.com', 'Smith')], await scim.listAll(), { mapping });
      answer(server, 200, contentType, asText({ ...held('w1', 'maria@example.com', '00u1'), name: { givenName: 'Maria', familyName: 'Smith' } }));
      await expect(applyAction(action as UpdateAction, portsOf(scim))).resolves.toMatchObject({ appliedAs: 'update', wfmId: 'w1' });
      // The answer was the user: nothing is read again.
      expect(server.seen.slice(-1)).toEqual(['PUT /scim/v2/Users/w1']);
    });

    it('a listing page sent as text/plain is read', async () => {
      const { server, scim } = await start([held('w1', 'maria@example.com', '00u1')]);
      answer(server, 200, 'text/plain', JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, Resources: [held('w1', 'maria@example.com', '00u1')] }));
      await expect(scim.listAll()).resolves.toMatchObject([{ id: 'w1', userName: 'maria@example.com' }]);
    });
  });
});
