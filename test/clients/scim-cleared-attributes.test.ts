import { createScimClient, type ScimClient } from '../../clients/scim';
import { secretFromValue } from '../../config/secret';
import { CORE_URN, ENTERPRISE_URN } from '../../config/targets';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { startWfmSandbox, type WfmSandbox } from '../../sandbox/wfm/server';
import { applyAction, type ApplyPorts } from '../../sync/apply';
import { plan } from '../../sync/plan';
import type { DesiredUser, ScimResource, UpdateAction } from '../../sync/types';
import { oktaUser } from '../helpers/okta-user';
import { quirkyServers } from '../helpers/quirky-scim';
import { CUSTOM_URN, mappingOf } from '../helpers/scim-mapping';
import { scimUser } from '../helpers/scim-server';

/**
 * The real SCIM client and apply clearing attributes Okta emptied, on a server that keeps what a
 * PUT leaves out and on one that clears it (the sandbox WFM): RFC 7644 §3.5.1 allows both.
 */
const mapping = mappingOf({
  customSchema: CUSTOM_URN,
  attributes: {
    'name.middleName': { source: 'profile.middleName' },
    'phoneNumbers.mobile': { source: 'profile.mobilePhone' },
    'custom.site': { source: 'profile.city' },
  },
});

function desired(profile: Record<string, unknown> = {}): DesiredUser {
  const r = mapOktaUser(oktaUser({ id: '00u1', profile: { login: 'maria@example.com', email: 'maria@example.com', ...profile } }), { mapping, supervisorGroups: [] });
  if (!r.ok) throw new Error(r.reason);
  return r.user;
}

/** Maria as the WFM holds her: middle name, mobile and department set, with attributes a WFM admin set next to them. */
const held = (extra: ScimResource = {}): ScimResource =>
  scimUser('w1', 'maria@example.com', {
    schemas: [CORE_URN, ENTERPRISE_URN, CUSTOM_URN],
    externalId: '00u1',
    name: { givenName: 'Maria', familyName: 'Lopez', middleName: 'Ana', honorificPrefix: 'Dr.' },
    displayName: 'Maria Lopez',
    title: 'Set by a WFM admin',
    phoneNumbers: [
      { value: '+44 7700 900001', type: 'mobile' },
      { value: '+44 20 7946 0000', type: 'work' },
    ],
    roles: [{ value: 'agent', primary: true }],
    [ENTERPRISE_URN]: { department: 'Sales', costCenter: 'CC-7' },
    [CUSTOM_URN]: { site: 'Leeds', badge: 'B-2' },
    ...extra,
  });

const CLEARED = ['enterprise.department', 'name.middleName', 'phoneNumbers.mobile', 'custom.site'];

/** Ports whose SCIM client records each PUT body it is given. */
function portsOf(scim: ScimClient, sent: ScimResource[]): ApplyPorts {
  const recording = { ...scim, replace: (id: string, body: ScimResource, version?: string) => (sent.push(body), scim.replace(id, body, version)) };
  return { scim: recording, mapping, wfmApi: { revive: () => Promise.reject(new Error('not expected')) } };
}

async function clearAndReplan(scim: ScimClient, sent: ScimResource[] = []): Promise<string[]> {
  const emptied = desired();
  const [action] = plan([emptied], await scim.listAll(), { mapping });
  expect(action?.type).toBe('update');
  expect((action as UpdateAction).changes.map((c) => c.path).sort()).toEqual([...CLEARED].sort());
  await applyAction(action as UpdateAction, portsOf(scim, sent));
  return plan([emptied], await scim.listAll(), { mapping }).map((a) => a.type);
}

describe('attributes emptied in Okta, on a SCIM server that keeps what a PUT leaves out', () => {
  const { start, close } = quirkyServers();
  afterAll(close);

  it('an emptied department, middle name, mobile and custom attribute are cleared; what we do not own survives; the next plan has no update', async () => {
    const { server, scim } = await start([held()], { omitted: 'kept' });
    expect(await clearAndReplan(scim)).toEqual(['noop']);
    const after = server.users.get('w1') ?? {};
    expect(after.name).toEqual({ givenName: 'Maria', familyName: 'Lopez', honorificPrefix: 'Dr.' });
    expect(after.phoneNumbers).toEqual([{ value: '+44 20 7946 0000', type: 'work' }]);
    expect(after[ENTERPRISE_URN]).toEqual({ costCenter: 'CC-7' });
    expect(after[CUSTOM_URN]).toEqual({ badge: 'B-2' });
    expect(after).toMatchObject({ title: 'Set by a WFM admin', displayName: 'Maria Lopez', active: true, roles: [{ value: 'agent', primary: true }] });
  });

  it('the last mobile number and the only attribute of an extension are cleared too', async () => {
    const { server, scim } = await start([held({ phoneNumbers: [{ value: '+44 7700 900001', type: 'mobile' }], [ENTERPRISE_URN]: { department: 'Sales' }, [CUSTOM_URN]: { site: 'Leeds' } })], {
      omitted: 'kept',
    });
    expect(await clearAndReplan(scim)).toEqual(['noop']);
    const after = server.users.get('w1') ?? {};
    expect(after.phoneNumbers).toBeUndefined();
    expect(after[ENTERPRISE_URN]).toBeUndefined();
    expect(after[CUSTOM_URN]).toBeUndefined();
    expect(after.schemas).toEqual([CORE_URN]);
    expect(after).toMatchObject({ name: { honorificPrefix: 'Dr.' }, title: 'Set by a WFM admin' });
    expect(after.name).not.toHaveProperty('middleName');
  });
});

describe('attributes emptied in Okta, on the sandbox WFM (it clears what a PUT leaves out, and null and [])', () => {
  let wfm: WfmSandbox;
  let scim: ScimClient;
  beforeAll(async () => {
    wfm = await startWfmSandbox();
    scim = createScimClient({ scimUrl: wfm.scimUrl, token: secretFromValue('sandbox-scim-token'), pageSize: 100, requestTimeoutMs: 2000, maxRetries: 0 });
  });
  afterAll(() => wfm.close());

  it('the PUT asks for the clear with null and []; the sandbox takes it, and the next plan has no update', async () => {
    wfm.state.seedUser(held({ phoneNumbers: [{ value: '+44 7700 900001', type: 'mobile' }] }));
    const sent: ScimResource[] = [];
    expect(await clearAndReplan(scim, sent)).toEqual(['noop']);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ name: { middleName: null }, phoneNumbers: [], [ENTERPRISE_URN]: { department: null, costCenter: 'CC-7' }, [CUSTOM_URN]: { site: null, badge: 'B-2' } });
    const after = wfm.state.all()[0] ?? {};
    expect(after.name).toEqual({ givenName: 'Maria', familyName: 'Lopez' });
    expect(after.phoneNumbers).toBeUndefined();
    expect(after[ENTERPRISE_URN]).toEqual({ costCenter: 'CC-7' });
  });
});
