import type { ScimClient } from '../../clients/scim';
import { DEFAULT_MAPPING } from '../../config/mapping';
import { readWfmUsers } from '../../jobs/read-wfm';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { applyAction, type ApplyPorts } from '../../sync/apply';
import { plan } from '../../sync/plan';
import type { ActionType, CreateAction, DesiredUser, ScimResource, UpdateAction } from '../../sync/types';
import { oktaUser } from '../helpers/okta-user';
import { quirkyServers } from '../helpers/quirky-scim';
import { scimUser } from '../helpers/scim-server';

/** Awkward but valid values, through the real SCIM client, plan and apply, against SCIM servers of other makes. */
const mapping = DEFAULT_MAPPING;
const NFD = (s: string): string => s.normalize('NFD');

function desired(oktaId: string, profile: Record<string, unknown>): DesiredUser {
  const r = mapOktaUser(oktaUser({ id: oktaId, profile }), { mapping, supervisorGroups: [] });
  if (!r.ok) throw new Error(r.reason);
  return r.user;
}

/** One sync run: read, plan, apply every write. Answers the planned action types. */
async function run(scim: ScimClient, want: DesiredUser[], mode: 'list' | 'lookup'): Promise<ActionType[]> {
  const actions = plan(want, (await readWfmUsers(scim, mode, want, 1)).users, { mapping });
  const ports: ApplyPorts = { scim, mapping, wfmApi: { revive: () => Promise.reject(new Error('not expected')) } };
  for (const a of actions) if (a.type === 'create' || a.type === 'update') await applyAction(a as CreateAction | UpdateAction, ports);
  return actions.map((a) => a.type);
}

describe('awkward values against SCIM servers of other makes', () => {
  const { start, close } = quirkyServers();
  afterAll(close);

  it.each([['list'], ['lookup']] as const)(
    'names and a login Okta holds decomposed (NFD), on a server that stores NFC: created once, then no write (%s)',
    async (mode) => {
      const { server, scim } = await start([], { unicodeNfc: true });
      const login = NFD('josé.müller@example.com');
      const want = desired('00u1', { login, email: login, firstName: NFD('José'), lastName: NFD('Müller-Ångström') });
      expect(await run(scim, [want], mode)).toEqual(['create']);
      expect(await run(scim, [want], mode)).toEqual(['noop']);
      expect([...server.users.values()].map((u) => u.userName)).toEqual(['josé.müller@example.com'.normalize('NFC')]);
      expect(server.seen.filter((s) => s.startsWith('PUT')).length).toBe(0);
    },
  );

  it.each([['list'], ['lookup']] as const)(
    'a WFM user made by hand with a decomposed userName is linked to the Okta login written composed, not created again (%s)',
    async (mode) => {
      const { server, scim } = await start([scimUser('w1', NFD('zoë@example.com'))], { unicodeNfc: true });
      const want = desired('00u1', { login: 'zoë@example.com', email: 'zoë@example.com', firstName: 'Maria', lastName: 'Lopez' });
      expect(await run(scim, [want], mode)).toEqual(['update']);
      expect([...server.users.values()].map((u) => [u.id, u.externalId])).toEqual([['w1', '00u1']]);
      expect(await run(scim, [want], mode)).toEqual(['noop']);
    },
  );

  it('a user with null name and phoneNumbers, an untyped upper-case email, no active, no meta and attributes of its own: merged, what others set kept', async () => {
    const ACME = 'urn:example:acme:2.0:User';
    const held: ScimResource = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ACME],
      id: 'w1',
      externalId: '00u1',
      userName: 'maria.lopez@example.com',
      name: null,
      emails: [{ value: 'MARIA.LOPEZ@example.com' }],
      phoneNumbers: null,
      nickName: 'Mia',
      badgeColour: 'green',
      [ACME]: { site: 'Leeds', shifts: [1, 2] },
    };
    const { server, scim } = await start([held]);
    const want = desired('00u1', {});
    expect(await run(scim, [want], 'list')).toEqual(['update']);
    expect(server.users.get('w1')).toMatchObject({
      schemas: expect.arrayContaining([ACME]),
      name: { givenName: 'Maria', familyName: 'Lopez' },
      emails: [{ value: 'maria.lopez@example.com', type: 'work', primary: true }],
      active: true,
      nickName: 'Mia',
      badgeColour: 'green',
      [ACME]: { site: 'Leeds', shifts: [1, 2] },
    });
    expect(await run(scim, [want], 'list')).toEqual(['noop']);
  });
});
