import { createServer, type Server, type ServerResponse } from 'node:http';
import { createScimClient, type ScimClient } from '../../clients/scim';
import { secretFromValue } from '../../config/secret';
import { CORE_URN, ENTERPRISE_URN, NICE_URN } from '../../config/targets';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { LIST_RESPONSE_URN, scimNames } from '../../mappers/scim-canonical';
import { diffOwned } from '../../mappers/scim-merge';
import { applyAction } from '../../sync/apply';
import { plan } from '../../sync/plan';
import type { DesiredUser, ScimResource, UpdateAction } from '../../sync/types';
import { oktaUser } from '../helpers/okta-user';
import { CUSTOM_URN, EXTENDED_MAPPING } from '../helpers/scim-mapping';
import { listenOnLoopback, readBody, sendScim as send } from '../helpers/scim-server';

/**
 * The real SCIM client against a small WFM of another make: it stores what it is sent as sent,
 * and answers every attribute name in its own case (RFC 7643 §2.1 allows any).
 */
const upperFirst = (k: string): string => k.charAt(0).toUpperCase() + k.slice(1);
const spell = (k: string): string => (k === 'externalId' ? 'externalid' : k.startsWith('urn:') ? k.toUpperCase() : upperFirst(k));

function spelled(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(spelled);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [spell(k), spelled(v)]));
}

type Put = { id: string; ifMatch: string | undefined; body: ScimResource };
type OddWfm = { url: string; puts: Put[]; close(): Promise<void> };

async function startOddWfm(seed: ScimResource[]): Promise<OddWfm> {
  const users = new Map(seed.map((r) => [String(r.id), { resource: r, version: 1 }]));
  const puts: Put[] = [];
  const asRead = (id: string): unknown => {
    const u = users.get(id);
    return u && spelled({ ...u.resource, meta: { resourceType: 'User', version: `W/"${u.version}"` } });
  };
  const list = (url: URL, res: ServerResponse): void => {
    const filter = /^(\w+) eq (".*")$/.exec(url.searchParams.get('filter') ?? '');
    const matching = [...users.keys()].filter((id) => !filter || String(users.get(id)?.resource[filter[1] ?? '']).toLowerCase() === (JSON.parse(filter[2] ?? '""') as string).toLowerCase());
    const start = Number(url.searchParams.get('startIndex') ?? 1);
    const page = matching.slice(start - 1, start - 1 + Number(url.searchParams.get('count') ?? 100));
    send(res, 200, { schemas: [LIST_RESPONSE_URN.toLowerCase()], totalresults: matching.length, StartIndex: start, ItemsPerPage: page.length, resources: page.map(asRead) });
  };
  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const url = new URL(req.url ?? '/', 'http://wfm');
      const id = decodeURIComponent(/^\/scim\/v2\/Users\/([^/]+)$/.exec(url.pathname)?.[1] ?? '');
      const user = users.get(id);
      if (req.method === 'GET' && url.pathname === '/scim/v2/Users') return list(url, res);
      if (!user) return send(res, 404, { status: '404', detail: 'no such user' });
      if (req.method === 'GET') return send(res, 200, asRead(id));
      const ifMatch = req.headers['if-match'];
      if (req.method !== 'PUT' || ifMatch !== `W/"${user.version}"`) return send(res, 412, { status: '412' });
      const body = JSON.parse(text) as ScimResource;
      puts.push({ id, ifMatch, body });
      users.set(id, { resource: body, version: user.version + 1 });
      return send(res, 200, asRead(id));
    });
  });
  return { ...(await listenOnLoopback(server)), puts };
}

/** The keys that name one attribute twice in some object of a body (SCIM names ignore case). */
function twiceNamed(node: unknown, at = ''): string[] {
  if (Array.isArray(node)) return node.flatMap((v, i) => twiceNamed(v, `${at}[${i}]`));
  if (typeof node !== 'object' || node === null) return [];
  const keys = Object.keys(node);
  const twice = keys.filter((k, i) => keys.findIndex((o) => o.toLowerCase() === k.toLowerCase()) !== i).map((k) => `${at}.${k}`);
  return [...twice, ...Object.entries(node).flatMap(([k, v]) => twiceNamed(v, `${at}.${k}`))];
}

const mapping = EXTENDED_MAPPING;

function desired(id: string, login: string, lastName: string): DesiredUser {
  const profile = { login, email: login, lastName, department: 'Sales', employeeNumber: id, city: 'Leeds', team: 'T-1', timezone: 'Europe/London' };
  const r = mapOktaUser(oktaUser({ id, profile }), { mapping, supervisorGroups: [] });
  if (!r.ok) throw new Error(r.reason);
  return r.user;
}

/** A WFM user as the sync last wrote it, with what WFM admins set besides (middle name, home email, title...). */
function stored(id: string, oktaId: string, login: string, lastName: string): ScimResource {
  return {
    schemas: [CORE_URN, ENTERPRISE_URN, NICE_URN, CUSTOM_URN, 'urn:other:Ext'],
    id,
    externalId: oktaId,
    userName: login,
    name: { givenName: 'Maria', familyName: lastName, middleName: 'Ann' },
    displayName: `Maria ${lastName}`,
    title: 'Team lead',
    emails: [
      { value: login, type: 'work', primary: true },
      { value: 'home@example.com', type: 'home', primary: false },
    ],
    roles: [{ value: 'agent', primary: true }],
    timezone: 'Europe/London',
    active: true,
    adminNote: 'kept',
    [ENTERPRISE_URN]: { employeeNumber: oktaId, department: 'Sales', manager: { value: 'm1' } },
    [NICE_URN]: { team: { value: 'T-1', display: 'Team 1' } },
    [CUSTOM_URN]: { site: 'Leeds' },
    'urn:other:Ext': { shift: 'early' },
  };
}

/** The attributes of stored() the sync does not know, as the WFM spells them: kept so. */
const UNKNOWN_AS_READ = { AdminNote: 'kept', 'URN:OTHER:EXT': { Shift: 'early' } };

function withoutUnknown(resource: ScimResource): ScimResource {
  const { adminNote: _note, 'urn:other:Ext': _ext, ...known } = resource;
  return known;
}

describe('the SCIM client against a WFM that spells attribute names in another case', () => {
  let wfm: OddWfm;
  let scim: ScimClient;
  const upToDate = desired('00u1', 'maria.lopez@example.com', 'Lopez');
  const renamed = desired('00u2', 'maria.smith@example.com', 'Smith');
  beforeAll(async () => {
    wfm = await startOddWfm([
      stored('w1', '00u1', 'maria.lopez@example.com', 'Lopez'),
      stored('w2', '00u2', 'maria.smith@example.com', 'Jones'),
      stored('w3', 'unmanaged', 'someone@example.com', 'Else'),
    ]);
    scim = createScimClient({ scimUrl: wfm.url, token: secretFromValue('t'), pageSize: 2, requestTimeoutMs: 5000, maxRetries: 0, names: scimNames(mapping) });
  });
  afterAll(() => wfm.close());

  it('reads the listing and each user as the canonical spelling', async () => {
    const users = await scim.listAll();
    expect(users.map(({ id, userName, externalId, active, version }) => ({ id, userName, externalId, active, version }))).toEqual([
      { id: 'w1', userName: 'maria.lopez@example.com', externalId: '00u1', active: true, version: 'W/"1"' },
      { id: 'w2', userName: 'maria.smith@example.com', externalId: '00u2', active: true, version: 'W/"1"' },
      { id: 'w3', userName: 'someone@example.com', externalId: 'unmanaged', active: true, version: 'W/"1"' },
    ]);
    const { timezone, ...known } = withoutUnknown(stored('w1', '00u1', 'maria.lopez@example.com', 'Lopez'));
    expect((await scim.get('w1')).raw).toEqual({ ...known, ...UNKNOWN_AS_READ, timeZone: timezone, meta: { resourceType: 'User', version: 'W/"1"' } });
    expect((await scim.findByExternalId('00u2')).map((u) => u.id)).toEqual(['w2']);
    expect((await scim.findByUserName('Maria.Smith@example.com')).map((u) => u.id)).toEqual(['w2']);
  });

  it('finds an up-to-date user up to date, and PUTs a changed one with one key per attribute', async () => {
    const current = await scim.listAll();
    expect(diffOwned(upToDate, current[0]?.raw ?? {}, mapping)).toEqual([]);
    const actions = plan([upToDate, renamed], current, { mapping });
    expect(actions.map((a) => a.type)).toEqual(['noop', 'update']);
    const update = actions[1] as UpdateAction;
    expect(update.changes.map((c) => c.path).sort()).toEqual(['displayName', 'name.familyName']);

    await applyAction(update, { scim, mapping, wfmApi: { revive: () => Promise.reject(new Error('not expected')) } });
    expect(wfm.puts.map((p) => `${p.id} ${p.ifMatch}`)).toEqual(['w2 W/"1"']);
    const body = wfm.puts[0]?.body;
    expect(twiceNamed(body)).toEqual([]);
    // Every attribute read comes back once, in canonical case; unknown ones as the WFM spelled them; meta dropped.
    expect(body).toEqual({ ...withoutUnknown(stored('w2', '00u2', 'maria.smith@example.com', 'Smith')), ...UNKNOWN_AS_READ });

    const again = plan([upToDate, renamed], await scim.listAll(), { mapping });
    expect(again.map((a) => a.type)).toEqual(['noop', 'noop']);
  });
});
