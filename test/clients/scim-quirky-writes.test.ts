import { DEFAULT_MAPPING } from '../../config/mapping';
import { readWfmUsers } from '../../jobs/read-wfm';
import { applyAction } from '../../sync/apply';
import { plan } from '../../sync/plan';
import type { CreateAction, UpdateAction } from '../../sync/types';
import { quirkyServers } from '../helpers/quirky-scim';
import { desiredUser, heldUser, portsOf } from '../helpers/scim-writes';

/** The real SCIM client and apply writing to SCIM servers of other makes, each with one quirk. */
const mapping = DEFAULT_MAPPING;

const desired = desiredUser;
const held = heldUser;

describe('writing users to SCIM servers of other makes', () => {
  const { start, close } = quirkyServers();
  afterAll(close);

  it.each([['204'], ['200-empty']] as const)('an update the server answers %s (no body) is applied, the user read again', async (putAnswer) => {
    const { server, scim } = await start([held('w1', 'maria@example.com', '00u1')], { putAnswer });
    const [action] = plan([desired('00u1', 'maria@example.com', 'Smith')], await scim.listAll(), { mapping });
    expect(action?.type).toBe('update');
    const result = await applyAction(action as UpdateAction, portsOf(scim));
    expect(result).toMatchObject({ appliedAs: 'update', wfmId: 'w1', changes: expect.arrayContaining([{ path: 'name.familyName', from: 'Lopez', to: 'Smith' }]) });
    expect(server.users.get('w1')).toMatchObject({ name: { familyName: 'Smith' }, title: 'Set by a WFM admin' });
    expect(server.seen.slice(-2)).toEqual(['PUT /scim/v2/Users/w1', 'GET /scim/v2/Users/w1']);
  });

  it('with ETags in the header and a bare revision in meta.version, an update sends the ETag as If-Match and is applied', async () => {
    const { server, scim } = await start([held('w1', 'maria@example.com', '00u1')], { bareVersions: true });
    const listed = await scim.listAll();
    expect(listed.map((u) => u.version)).toEqual(['1']);
    // Read on its own, the user's version is the entity-tag the server compares If-Match with.
    expect((await scim.get('w1')).version).toBe('W/"1"');
    const [action] = plan([desired('00u1', 'maria@example.com', 'Smith')], listed, { mapping });
    const result = await applyAction(action as UpdateAction, portsOf(scim));
    expect(result).toMatchObject({ appliedAs: 'update', note: expect.stringMatching(/412/) });
    expect(server.users.get('w1')).toMatchObject({ name: { familyName: 'Smith' }, title: 'Set by a WFM admin' });
    // The listing's bare revision did not match; the copy read again carried the ETag, which did.
    expect(server.seen.slice(-3)).toEqual(['PUT /scim/v2/Users/w1', 'GET /scim/v2/Users/w1', 'PUT /scim/v2/Users/w1']);
  });

  it('with a framework\'s own ETag header beside the meta.version the server compares, a refused tag on a fresh copy is followed by meta.version', async () => {
    const { server, scim } = await start([held('w1', 'maria@example.com', '00u1')], { frameworkEtags: true });
    const listed = await scim.listAll();
    // An admin's edit after the listing: its copy is stale.
    const read = await scim.get('w1');
    expect(read).toMatchObject({ version: expect.stringMatching(/^W\/"[^"]{20,}"$/), otherVersion: 'W/"1"' });
    await scim.replace('w1', { ...read.raw, title: 'Edited meanwhile' });
    const [action] = plan([desired('00u1', 'maria@example.com', 'Smith')], listed, { mapping });
    server.seen.length = 0;
    const result = await applyAction(action as UpdateAction, portsOf(scim));
    expect(result).toMatchObject({ appliedAs: 'update', note: expect.stringMatching(/412/) });
    expect(server.users.get('w1')).toMatchObject({ name: { familyName: 'Smith' }, title: 'Edited meanwhile' });
    expect(server.seen).toEqual(['PUT /scim/v2/Users/w1', 'GET /scim/v2/Users/w1', 'PUT /scim/v2/Users/w1', 'GET /scim/v2/Users/w1', 'PUT /scim/v2/Users/w1']);
  });

  it('a create refused with 400 uniqueness is looked up and linked, as a 409 is', async () => {
    const { server, scim } = await start([held('w1', 'maria@example.com')], { uniquenessStatus: 400 });
    const want = desired('00u1', 'maria@example.com', 'Lopez');
    // Planned from a read that did not show the user (created in the WFM since).
    const [action] = plan([want], [], { mapping });
    const result = await applyAction(action as CreateAction, portsOf(scim));
    expect(result).toMatchObject({ appliedAs: 'update', wfmId: 'w1', note: 'userName already in the WFM: linked' });
    expect([...server.users.values()].map((u) => [u.id, u.externalId])).toEqual([['w1', '00u1']]);
  });

  it('a login differing only in case from an unlinked WFM user is linked, not created twice, in lookup mode', async () => {
    const { server, scim } = await start([held('w1', 'Maria.Lopez@example.com')]);
    const want = desired('00u1', 'maria.lopez@example.com', 'Lopez');
    const actions = plan([want], (await readWfmUsers(scim, 'lookup', [want], 1)).users, { mapping });
    expect(actions.map((a) => a.type)).toEqual(['update']);
    await applyAction(actions[0] as UpdateAction, portsOf(scim));
    expect([...server.users.values()].map((u) => [u.id, u.externalId])).toEqual([['w1', '00u1']]);
  });

  it('with a server whose userName filter ignores RFC 7643 caseExact=false, the create answered 409 fails alone and creates nobody', async () => {
    const { server, scim } = await start([held('w1', 'Maria.Lopez@example.com')], { caseSensitiveFilter: true });
    const want = desired('00u1', 'maria.lopez@example.com', 'Lopez');
    const actions = plan([want], (await readWfmUsers(scim, 'lookup', [want], 1)).users, { mapping });
    expect(actions.map((a) => a.type)).toEqual(['create']);
    const err: unknown = await applyAction(actions[0] as CreateAction, portsOf(scim)).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'conflict', status: 409, scimType: 'uniqueness' });
    expect((err as Error).message).toMatch(/userName maria\.lopez@example\.com is taken .* but no WFM user with this externalId or userName is found; the WFM's userName filter may compare case-sensitively/);
    // One create: sending it again would only be refused again.
    expect(server.seen.filter((r) => r.startsWith('POST ')).length).toBe(1);
    expect([...server.users.keys()]).toEqual(['w1']);
  });
});
