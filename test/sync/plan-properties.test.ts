import fc from 'fast-check';
import { DEFAULT_MAPPING } from '../../config/mapping';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { buildResource, mergeOwned } from '../../mappers/scim-merge';
import { plan } from '../../sync/plan';
import type { Action, DesiredUser, OktaUser, ScimResource, WfmUser } from '../../sync/types';

/**
 * Properties of mapping and planning over random Okta and WFM records, with the WFM modelled in
 * memory as the sandbox behaves (creates, full-replace PUTs, case-insensitive unique userNames).
 */
const mapping = DEFAULT_MAPPING;
const supervisorGroups = ['WFM Supervisors'];
const SEED = Number(process.env.FAST_CHECK_SEED ?? 20261128);

const name = fc.oneof(fc.constantFrom('Ana', 'Bo', 'Zoë', 'Li', ' Maria ', 'O\'Neil', '🌟 Star', ''), fc.string({ maxLength: 12 }));
const local = fc.constantFrom('ana', 'bo', 'maria', 'li', 'x+y', 'q"uote', 'back\\slash', 'MARIA', 'Ana');
const login = fc.tuple(local, fc.constantFrom('example.com', 'Example.com', 'corp.example')).map(([l, d]) => `${l}@${d}`);
const oktaId = fc.constantFrom('00u1', '00u2', '00u3', '00u4', '00u5', '00u6');

const oktaUserArb: fc.Arbitrary<OktaUser> = fc.record({
  id: oktaId,
  status: fc.constant('ACTIVE'),
  groups: fc.subarray(supervisorGroups),
  profile: fc.record(
    {
      login,
      email: fc.oneof(login, fc.constant('not-an-email')),
      firstName: name,
      lastName: name,
      department: fc.constantFrom('Sales', 'Billing', ' Sales '),
      employeeNumber: fc.constantFrom('1', '2', '42'),
    },
    { requiredKeys: ['login', 'email', 'firstName', 'lastName'] },
  ),
});

/** A WFM user someone else made: maybe linked, maybe not, maybe inactive, with attributes we don't own. */
const wfmSeedArb = fc.record({
  userName: login,
  externalId: fc.option(oktaId, { nil: undefined }),
  active: fc.boolean(),
  givenName: name,
  userType: fc.option(fc.constantFrom('Contractor', 'Employee'), { nil: undefined }),
});

type Store = Map<string, ScimResource>;
type WfmSeed = typeof wfmSeedArb extends fc.Arbitrary<infer T> ? T : never;

function toWfmUser(raw: ScimResource): WfmUser {
  return {
    id: String(raw.id),
    userName: String(raw.userName),
    externalId: typeof raw.externalId === 'string' ? raw.externalId : undefined,
    active: raw.active !== false,
    version: undefined,
    raw,
  };
}

function takenByOther(store: Store, userName: string, id?: string): boolean {
  return [...store.values()].some((u) => String(u.userName).toLowerCase() === userName.toLowerCase() && u.id !== id);
}

/** Applies a plan the way the WFM would answer it: a write that the WFM refuses is simply not done. */
function apply(store: Store, actions: readonly Action[], nextId: () => string): void {
  for (const a of actions) {
    if (a.type === 'create') {
      const body = buildResource(a.desired, mapping);
      if (!takenByOther(store, String(body.userName))) {
        const id = nextId();
        store.set(id, { ...body, id });
      }
    } else if (a.type === 'update' || a.type === 'reactivate') {
      const current = store.get(a.wfmId);
      if (!current) continue;
      const body = mergeOwned(current, a.desired, mapping);
      if (!takenByOther(store, String(body.userName), a.wfmId)) store.set(a.wfmId, { ...body, id: a.wfmId, active: true });
    }
  }
}

function desiredOf(users: readonly OktaUser[]): DesiredUser[] {
  const byId = new Map<string, OktaUser>();
  for (const u of users) byId.set(u.id, u); // Okta ids are unique: the last record of an id stands
  return [...byId.values()].flatMap((u) => {
    const r = mapOktaUser(u, { mapping, supervisorGroups });
    return r.ok ? [r.user] : [];
  });
}

describe('plan, as properties over random Okta and WFM records', () => {
  const cases = fc.record({ okta: fc.array(oktaUserArb, { maxLength: 8 }), wfm: fc.array(wfmSeedArb, { maxLength: 6 }) });

  function seeded(wfm: readonly WfmSeed[]): { store: Store; nextId: () => string } {
    let n = 0;
    const nextId = () => `w${(n += 1)}`;
    const store: Store = new Map();
    for (const s of wfm) {
      if (takenByOther(store, s.userName)) continue; // the WFM keeps userNames unique
      const id = nextId();
      store.set(id, {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        id,
        userName: s.userName,
        ...(s.externalId !== undefined ? { externalId: s.externalId } : {}),
        name: { givenName: s.givenName, familyName: 'Seed' },
        emails: [{ value: s.userName, type: 'work', primary: true }],
        active: s.active,
        ...(s.userType !== undefined ? { userType: s.userType } : {}),
      });
    }
    return { store, nextId };
  }

  it('applying a plan and planning again gives only no-ops, once the logins freed by renames are taken', () => {
    fc.assert(
      fc.property(cases, ({ okta, wfm }) => {
        const { store, nextId } = seeded(wfm);
        const desired = desiredOf(okta);
        const writesOf = (actions: readonly Action[]) => actions.filter((a) => a.type !== 'noop' && a.type !== 'conflict');
        let previous = plan(desired, [...store.values()].map(toWfmUser), { mapping });
        // Writes run in parallel, so a login another user renames away from in this run is taken
        // only on the next run: the planner calls it a conflict rather than guess the order. So
        // after the first pass, the only writes left are for users the pass before called a
        // conflict, and a chain of renames settles within one pass per user.
        for (let pass = 0; pass <= desired.length; pass += 1) {
          apply(store, previous, nextId);
          const next = plan(desired, [...store.values()].map(toWfmUser), { mapping });
          const blocked = new Set(previous.filter((a) => a.type === 'conflict').map((a) => a.oktaId));
          expect(writesOf(next).filter((a) => !blocked.has(a.oktaId))).toEqual([]);
          if (writesOf(next).length === 0) return;
          previous = next;
        }
        throw new Error('the plan did not settle');
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('never plans a deactivation', () => {
    fc.assert(
      fc.property(cases, ({ okta, wfm }) => {
        const { store } = seeded(wfm);
        expect(plan(desiredOf(okta), [...store.values()].map(toWfmUser), { mapping }).some((a) => a.type === 'deactivate')).toBe(false);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('never plans two creates for one Okta user, nor a create where a WFM user holds the login', () => {
    fc.assert(
      fc.property(cases, ({ okta, wfm }) => {
        const { store } = seeded(wfm);
        const current = [...store.values()].map(toWfmUser);
        const creates = plan(desiredOf(okta), current, { mapping }).filter((a) => a.type === 'create');
        expect(new Set(creates.map((a) => a.oktaId)).size).toBe(creates.length);
        for (const c of creates) {
          expect(current.some((u) => u.userName.toLowerCase() === c.userName.toLowerCase() || u.externalId === c.oktaId)).toBe(false);
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('plans exactly one action for each Okta user that maps', () => {
    fc.assert(
      fc.property(cases, ({ okta, wfm }) => {
        const { store } = seeded(wfm);
        const desired = desiredOf(okta);
        const actions = plan(desired, [...store.values()].map(toWfmUser), { mapping });
        expect(actions.map((a) => a.oktaId).sort()).toEqual(desired.map((d) => d.oktaId).sort());
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
