import { createScimClient, type ScimClient } from '../../clients/scim';
import { DEFAULT_MAPPING } from '../../config/mapping';
import { secretFromValue } from '../../config/secret';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { countRequests, startWfmSandbox, type WfmSandbox } from '../../sandbox/wfm/server';
import { applyAction, type ApplyPorts } from '../../sync/apply';
import { plan } from '../../sync/plan';
import { copyTooOld, LISTED_COPY_FRESH_MS } from '../../jobs/apply-plan';
import type { DesiredUser } from '../../sync/types';
import { oktaUser } from '../helpers/okta-user';

const mapping = DEFAULT_MAPPING;
function desired(id: string, login: string, lastName = 'Lopez'): DesiredUser {
  const r = mapOktaUser(oktaUser({ id, profile: { login, email: login, lastName } }), { mapping, supervisorGroups: [] });
  if (!r.ok) throw new Error(r.reason);
  return r.user;
}

describe('applyAction against the sandbox WFM (real SCIM client)', () => {
  let wfm: WfmSandbox;
  let scim: ScimClient;
  let ports: ApplyPorts;
  const revived: string[] = [];
  beforeAll(async () => {
    wfm = await startWfmSandbox();
  });
  afterAll(() => wfm.close());
  beforeEach(() => {
    wfm.state.clear();
    wfm.requests.length = 0;
    wfm.faults.next = [];
    revived.length = 0;
    scim = createScimClient({ scimUrl: wfm.scimUrl, token: secretFromValue('sandbox-scim-token'), pageSize: 100, requestTimeoutMs: 2000, maxRetries: 2 });
    ports = {
      scim,
      mapping,
      wfmApi: {
        revive: async (id) => {
          revived.push(id);
          wfm.state.setActive(id, true);
        },
      },
    };
  });

  async function planFor(d: DesiredUser) {
    const [action] = plan([d], await scim.listAll(), { mapping });
    if (!action || (action.type !== 'create' && action.type !== 'update' && action.type !== 'reactivate')) throw new Error(`unexpected ${action?.type}`);
    return action;
  }

  it('a create whose answer was lost is found by lookup, not created twice', async () => {
    const d = desired('00uLost', 'lost.answer@example.com');
    wfm.faults.next = [{ kind: 'lost-response', count: 1, methods: ['POST'] }];
    const result = await applyAction(await planFor(d), ports);
    expect(result).toMatchObject({ appliedAs: 'create', note: 'create confirmed by lookup' });
    expect(wfm.state.all()).toHaveLength(1);
    expect(countRequests(wfm.requests, { method: 'POST', api: 'scim' })).toBe(1);
  });

  it('a create answered 503 with Retry-After is looked up once and left to the retry of the write, not sent again at once', async () => {
    const d = desired('00uPause', 'pause.please@example.com');
    wfm.faults.next = [{ kind: '503', count: 1, methods: ['POST'], retryAfterSeconds: 30 }];
    const err: unknown = await applyAction(await planFor(d), ports).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'transient', status: 503, retryAfterMs: 30_000 });
    expect(countRequests(wfm.requests, { method: 'POST', api: 'scim' })).toBe(1);
    expect(wfm.state.all()).toHaveLength(0);
    // The next attempt (after the pause) creates the user once.
    expect(await applyAction(await planFor(d), ports)).toMatchObject({ appliedAs: 'create' });
    expect(wfm.state.all()).toHaveLength(1);
  });

  it('a create that answers 409 links the user that holds the userName', async () => {
    const d = desired('00uRace', 'race@example.com');
    const action = await planFor(d);
    const other = wfm.state.seedUser({
      userName: 'Race@example.com',
      name: { givenName: 'R', familyName: 'Ace' },
      emails: [{ value: 'race@example.com', type: 'work' }],
      active: true,
    });
    const result = await applyAction(action, ports);
    expect(result).toMatchObject({ appliedAs: 'update', wfmId: other.id });
    expect(wfm.state.all()).toHaveLength(1);
    expect(wfm.state.get(String(other.id))).toMatchObject({ externalId: '00uRace', name: { familyName: 'Lopez' } });
  });

  it('a 409 from a user linked to another Okta id is a conflict, not a link', async () => {
    const action = await planFor(desired('00uMine', 'taken@example.com'));
    wfm.state.seedUser({
      userName: 'taken@example.com',
      externalId: '00uTheirs',
      name: { givenName: 'T', familyName: 'Aken' },
      emails: [{ value: 'taken@example.com', type: 'work' }],
      active: true,
    });
    await expect(applyAction(action, ports)).rejects.toMatchObject({ kind: 'conflict' });
    expect(wfm.state.get(String(wfm.state.all()[0]?.id))).toMatchObject({ externalId: '00uTheirs' });
  });

  it('a PUT answering 412 re-reads, merges again and keeps the concurrent admin edit', async () => {
    const d = desired('00u412', 'etag@example.com');
    await applyAction(await planFor(d), ports);
    const renamed = desired('00u412', 'etag@example.com', 'Changed');
    const action = await planFor(renamed);
    const id = action.type === 'create' ? '' : action.wfmId;
    wfm.state.editAttribute(id, 'userType', 'Team Lead'); // bumps the version after our read
    const result = await applyAction(action, ports);
    expect(result.note).toMatch(/412/);
    expect(wfm.state.get(id)).toMatchObject({ userType: 'Team Lead', name: { familyName: 'Changed' } });
    expect(countRequests(wfm.requests, { method: 'PUT', api: 'scim', status: 412 })).toBe(1);
  });

  it('without a version, an update of a copy read too long ago reads the user again and keeps the admin edit made since', async () => {
    wfm.state.config.etags = false;
    try {
      const created = await applyAction(await planFor(desired('00uOld', 'old.copy@example.com')), ports);
      const action = await planFor(desired('00uOld', 'old.copy@example.com', 'Changed'));
      if (action.type !== 'update') throw new Error(`expected an update, planned ${action.type}`);
      expect(action.current.version).toBeUndefined();
      wfm.state.editAttribute(created.wfmId, 'userType', 'Team Lead'); // a WFM admin, after the listing
      wfm.requests.length = 0;
      const later = Date.now() + LISTED_COPY_FRESH_MS + 1;
      await applyAction(action, { ...ports, readAgain: (u) => copyTooOld(u, later) });
      expect(wfm.requests.filter((r) => r.api === 'scim').map((r) => r.method)).toEqual(['GET', 'PUT']);
      expect(wfm.state.get(created.wfmId)).toMatchObject({ userType: 'Team Lead', name: { familyName: 'Changed' } });
    } finally {
      wfm.state.config.etags = true;
    }
  });

  it('an update of a fresh copy, or of one with a version (If-Match guards it), is merged as read: no extra GET', async () => {
    const fresh = { id: 'w', userName: 'u', externalId: undefined, active: true, raw: { schemas: [], userName: 'u' } };
    const now = Date.now();
    expect(copyTooOld({ ...fresh, version: undefined, readAt: now - LISTED_COPY_FRESH_MS }, now)).toBe(false);
    expect(copyTooOld({ ...fresh, version: undefined, readAt: now - LISTED_COPY_FRESH_MS - 1 }, now)).toBe(true);
    expect(copyTooOld({ ...fresh, version: undefined }, now)).toBe(true);
    expect(copyTooOld({ ...fresh, version: 'W/"1"', readAt: 0 }, now)).toBe(false);
    const created = await applyAction(await planFor(desired('00uFresh', 'fresh.copy@example.com')), ports);
    const action = await planFor(desired('00uFresh', 'fresh.copy@example.com', 'Changed'));
    wfm.requests.length = 0;
    await applyAction(action, { ...ports, readAgain: (u) => copyTooOld(u, Date.now()) });
    expect(wfm.requests.filter((r) => r.api === 'scim').map((r) => r.method)).toEqual(['PUT']);
    expect(wfm.state.get(created.wfmId)).toMatchObject({ name: { familyName: 'Changed' } });
  });

  it.each([
    ['with a version (the PUT answers 412, the user read again is inactive)', true],
    ['without one (a copy too old is read again first)', false],
  ])('an update whose user was deactivated since the plan read it, %s, is not written: the user stays inactive', async (_how, etags) => {
    wfm.state.config.etags = etags;
    try {
      const created = await applyAction(await planFor(desired('00uLeft', 'left.meanwhile@example.com')), ports);
      const action = await planFor(desired('00uLeft', 'left.meanwhile@example.com', 'Changed'));
      expect(action.type).toBe('update');
      wfm.state.setActive(created.wfmId, false); // off-boarding, between the plan and the write
      wfm.requests.length = 0;
      const later = Date.now() + LISTED_COPY_FRESH_MS + 1;
      const err: unknown = await applyAction(action, { ...ports, readAgain: (u) => copyTooOld(u, later) }).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'conflict', message: expect.stringMatching(/is inactive \(deactivated since the plan read it\): not written/) });
      expect(wfm.state.get(created.wfmId)).toMatchObject({ active: false, name: { familyName: 'Lopez' } });
      expect(countRequests(wfm.requests, { method: 'PUT', api: 'scim', status: 200 })).toBe(0);
      expect(revived).toEqual([]);
    } finally {
      wfm.state.config.etags = true;
    }
  });

  it('reactivates an inactive linked user through revive, then updates it', async () => {
    const d = desired('00uBack', 'back@example.com');
    const created = await applyAction(await planFor(d), ports);
    wfm.state.setActive(created.wfmId, false);
    const action = await planFor(desired('00uBack', 'back@example.com', 'Returned'));
    expect(action.type).toBe('reactivate');
    await applyAction(action, ports);
    expect(revived).toEqual([created.wfmId]);
    expect(wfm.state.get(created.wfmId)).toMatchObject({ active: true, name: { familyName: 'Returned' } });
  });
});
