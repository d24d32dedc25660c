import { DEFAULT_MAPPING } from '../../config/mapping';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { buildResource } from '../../mappers/scim-merge';
import { clearPath } from '../../mappers/scim-paths';
import { classifyPlan, ownedValuesOf, type OwnedValues } from '../../sync/drift';
import { plan } from '../../sync/plan';
import type { Action, DesiredUser, ScimResource, WfmUser } from '../../sync/types';
import { dropUnkept, findUnkept, MIN_UNKEPT_USERS } from '../../sync/unkept';
import { oktaUser } from '../helpers/okta-user';

const mapping = DEFAULT_MAPPING;
const DEPARTMENT = 'enterprise.department';

function desired(n: number, department = 'Billing'): DesiredUser {
  const login = `user${n}@example.com`;
  const r = mapOktaUser(oktaUser({ id: `00u${n}`, profile: { login, email: login, department } }), { mapping, supervisorGroups: [] });
  if (!r.ok) throw new Error(r.reason);
  return r.user;
}

/** The WFM's copy of a user we wrote, without the paths given (dropped by the WFM, or cleared by an admin). */
function wfmCopy(d: DesiredUser, without: readonly string[] = []): WfmUser {
  const raw: ScimResource = { ...buildResource(d, mapping), id: `w-${d.oktaId}`, externalId: d.oktaId };
  for (const path of without) clearPath(raw, path);
  return { id: String(raw.id), userName: d.userName, externalId: d.oktaId, active: true, version: undefined, raw };
}

/** Plans and classifies, the records saying we wrote each user as `written` has it. */
function classified(desiredUsers: readonly DesiredUser[], current: readonly WfmUser[], written: readonly DesiredUser[] = desiredUsers): Action[] {
  const last = new Map<string, OwnedValues>(written.map((d) => [d.oktaId, ownedValuesOf(d, mapping)]));
  return classifyPlan(plan(desiredUsers, current, { mapping }), last).actions;
}

const users = (count: number): DesiredUser[] => Array.from({ length: count }, (_, i) => desired(i + 1));

describe('findUnkept: the owned attributes the WFM does not keep', () => {
  it(`an attribute no WFM user holds, lost from at least ${MIN_UNKEPT_USERS} users we wrote it to, is not kept`, () => {
    const all = users(MIN_UNKEPT_USERS);
    const current = all.map((d) => wfmCopy(d, [DEPARTMENT]));
    expect(findUnkept(classified(all, current), current, mapping)).toEqual([DEPARTMENT]);
  });

  it(`fewer than ${MIN_UNKEPT_USERS} users are not enough: an admin may have cleared them`, () => {
    const all = users(MIN_UNKEPT_USERS - 1);
    const current = all.map((d) => wfmCopy(d, [DEPARTMENT]));
    expect(findUnkept(classified(all, current), current, mapping)).toEqual([]);
  });

  it('one WFM user holding a value there (another user, or one an admin created) shows the WFM keeps it', () => {
    const all = users(MIN_UNKEPT_USERS + 1);
    const current = all.map((d, i) => wfmCopy(d, i === 0 ? [] : [DEPARTMENT]));
    expect(findUnkept(classified(all, current), current, mapping)).toEqual([]);
  });

  it('users we never wrote (no record) or whose Okta value changed since are no evidence', () => {
    const all = users(MIN_UNKEPT_USERS);
    const current = all.map((d) => wfmCopy(d, [DEPARTMENT]));
    expect(findUnkept(classified(all, current, []), current, mapping)).toEqual([]);
    const movedInOkta = all.map((d) => desired(Number(d.oktaId.slice(3)), 'Sales'));
    expect(findUnkept(classified(movedInOkta, current, all), current, mapping)).toEqual([]);
  });

  it('a value the WFM holds but differs is an edit, not a dropped attribute', () => {
    const all = users(MIN_UNKEPT_USERS);
    const current = all.map((d) => {
      const copy = wfmCopy(d);
      (copy.raw[`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`] as Record<string, unknown>).department = 'Edited';
      return copy;
    });
    expect(findUnkept(classified(all, current), current, mapping)).toEqual([]);
  });
});

describe('dropUnkept', () => {
  const all = users(MIN_UNKEPT_USERS);

  it('an update that would only put back the dropped value is a noop; one with other changes keeps them', () => {
    const current = all.map((d, i) => {
      const copy = wfmCopy(d, [DEPARTMENT]);
      if (i === 0) (copy.raw as ScimResource).displayName = 'Edited In The WFM';
      return copy;
    });
    const actions = dropUnkept(classified(all, current), [DEPARTMENT]);
    expect(actions.map((a) => a.type)).toEqual(['update', 'noop', 'noop']);
    expect(actions[0]?.type === 'update' && actions[0].changes.map((c) => c.path)).toEqual(['displayName']);
    expect(actions[1]).toMatchObject({ type: 'noop', reason: expect.stringContaining(`it does not keep ${DEPARTMENT}`) as string });
  });

  it('a value Okta changed is still written, and so is a value the WFM holds that differs', () => {
    const current = all.map((d) => wfmCopy(d, [DEPARTMENT]));
    const changed = [desired(1, 'Sales'), ...all.slice(1)];
    const actions = dropUnkept(classified(changed, current, all), [DEPARTMENT]);
    expect(actions.map((a) => a.type)).toEqual(['update', 'noop', 'noop']);
    expect(actions[0]?.type === 'update' && actions[0].changes).toEqual([{ path: DEPARTMENT, from: undefined, to: 'Sales', side: 'both' }]);
  });

  it('a reactivation stays, for its revive', () => {
    const current = all.map((d) => ({ ...wfmCopy(d, [DEPARTMENT]), active: false }));
    const actions = dropUnkept(classified(all, current), [DEPARTMENT]);
    expect(actions.map((a) => a.type)).toEqual(['reactivate', 'reactivate', 'reactivate']);
    expect(actions.every((a) => a.type === 'reactivate' && a.changes.length === 0)).toBe(true);
  });

  it('no unkept path leaves the plan as it is', () => {
    const current = all.map((d) => wfmCopy(d, [DEPARTMENT]));
    const plain = classified(all, current);
    expect(dropUnkept(plain, [])).toEqual(plain);
  });
});
