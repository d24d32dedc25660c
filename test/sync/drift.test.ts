import { DEFAULT_MAPPING } from '../../config/mapping';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { buildResource } from '../../mappers/scim-merge';
import { carrySides, classifyChange, classifyPlan, needsLastWritten, ownedValuesOf, sideOf, type OwnedValues } from '../../sync/drift';
import { plan } from '../../sync/plan';
import type { Change, DesiredUser, ScimResource, WfmUser } from '../../sync/types';
import { oktaUser } from '../helpers/okta-user';

const mapping = DEFAULT_MAPPING;
function desired(id: string, login: string, profile: Record<string, unknown> = {}): DesiredUser {
  const r = mapOktaUser(oktaUser({ id, profile: { login, email: login, ...profile } }), { mapping, supervisorGroups: [] });
  if (!r.ok) throw new Error(r.reason);
  return r.user;
}
const wfm = (id: string, raw: ScimResource): WfmUser => ({
  id, userName: String(raw.userName), externalId: raw.externalId as string | undefined, active: true, version: undefined, raw: { ...raw, id },
});

describe('classifyChange: which side moved an owned attribute from what we last wrote', () => {
  const last: OwnedValues = { title: 'Agent', 'enterprise.department': null, userName: 'maria@example.com' };
  it.each<[string, Change, OwnedValues | undefined, string]>([
    ['Okta changed, the WFM still holds what we wrote', { path: 'title', from: 'Agent', to: 'Lead' }, last, 'okta'],
    ['edited in the WFM, Okta unchanged', { path: 'title', from: 'Boss', to: 'Agent' }, last, 'wfm'],
    ['both moved', { path: 'title', from: 'Boss', to: 'Lead' }, last, 'both'],
    ['set in the WFM where we wrote nothing', { path: 'enterprise.department', from: 'Sales', to: undefined }, last, 'wfm'],
    ['set in Okta where we wrote nothing', { path: 'enterprise.department', from: undefined, to: 'Sales' }, last, 'okta'],
    ['compared as the diff compares: case and blanks of userName', { path: 'userName', from: ' MARIA@example.com ', to: 'new@example.com' }, last, 'okta'],
    ['no record of the user', { path: 'title', from: 'Boss', to: 'Lead' }, undefined, 'unknown'],
    ['a path the record does not hold (the mapping gained it)', { path: 'nickName', from: 'M', to: 'Mary' }, last, 'unknown'],
  ])('%s', (_name, change, record, side) => {
    expect(classifyChange(change, record)).toBe(side);
  });
});

describe('sideOf: one side for a user', () => {
  const c = (side: Change['side']): Change => ({ path: 'x', from: 'a', to: 'b', side });
  it.each<[Change[], string | undefined]>([
    [[], undefined],
    [[c('okta'), c('okta')], 'okta'],
    [[c('wfm')], 'wfm'],
    [[c('okta'), c('wfm')], 'both'],
    [[c('both')], 'both'],
    [[c('unknown'), c('wfm')], 'wfm'],
    [[c('unknown')], 'unknown'],
  ])('%j -> %s', (changes, side) => expect(sideOf(changes)).toBe(side));
});

describe('classifyPlan', () => {
  const maria = desired('00u1', 'maria@example.com', { lastName: 'Renamed' });
  const ana = desired('00u2', 'ana@example.com');
  const bo = desired('00u3', 'bo@example.com', { department: 'Billing' });
  const fresh = desired('00u4', 'fresh@example.com');
  const written = (d: DesiredUser, attrs: Record<string, string | undefined> = {}) => ({ values: ownedValuesOf({ ...d, attrs: { ...d.attrs, ...attrs } }, mapping) });
  const actions = plan(
    [maria, ana, bo, fresh],
    [
      wfm('w1', buildResource(desired('00u1', 'maria@example.com'), mapping)),
      wfm('w2', { ...buildResource(ana, mapping), displayName: 'Edited In Wfm' }),
      wfm('w3', { ...buildResource(desired('00u3', 'bo@example.com', { department: 'Sales' }), mapping), displayName: 'Edited In Wfm' }),
    ],
    { mapping },
  );
  const last = new Map([
    ['00u1', written(maria, { 'name.familyName': 'Lopez', displayName: 'Maria Lopez' })],
    ['00u2', written(ana)],
    ['00u3', written(bo, { 'enterprise.department': 'Sales' })],
  ]);

  it('reads the last-written values of only the users with changes', () => {
    expect(needsLastWritten(actions).sort()).toEqual(['00u1', '00u2', '00u3']);
  });

  it('gives every change its side and counts users by side; edits made in the WFM are listed', () => {
    const { actions: sided, drift } = classifyPlan(actions, last);
    const sides = Object.fromEntries(sided.map((a) => [a.oktaId, 'changes' in a ? a.changes.map((c) => `${c.path}:${c.side}`) : a.type]));
    expect(sides).toEqual({
      '00u1': ['name.familyName:okta', 'displayName:okta'],
      '00u2': ['displayName:wfm'],
      '00u3': ['displayName:wfm', 'enterprise.department:okta'],
      '00u4': 'create',
    });
    expect(drift).toEqual({
      okta: 1, wfm: 1, both: 1, unknown: 0,
      edited: [{ oktaId: '00u2', userName: 'ana@example.com', fields: ['displayName'] }, { oktaId: '00u3', userName: 'bo@example.com', fields: ['displayName'] }],
    });
  });

  it('without records every change is unknown, and nothing is called drift', () => {
    expect(classifyPlan(actions, new Map()).drift).toMatchObject({ okta: 0, wfm: 0, both: 0, unknown: 3, edited: [] });
  });

  it('ownedValuesOf keeps every owned path, null where nothing is set', () => {
    expect(ownedValuesOf(ana, mapping)).toMatchObject({ userName: 'ana@example.com', externalId: '00u2', 'roles.primary': 'agent', 'enterprise.department': null });
  });

  it('carrySides keeps the planned side of each written change; an unforeseen one is unknown', () => {
    const planned: Change[] = [{ path: 'title', from: 'a', to: 'b', side: 'wfm' }];
    expect(carrySides([{ path: 'title', from: 'a2', to: 'b' }, { path: 'nickName', from: undefined, to: 'n' }], planned)).toEqual([
      { path: 'title', from: 'a2', to: 'b', side: 'wfm' },
      { path: 'nickName', from: undefined, to: 'n', side: 'unknown' },
    ]);
  });
});
