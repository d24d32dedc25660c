import { DEFAULT_MAPPING } from '../../config/mapping';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { buildResource } from '../../mappers/scim-merge';
import { holdCreatesWrittenBefore, plan } from '../../sync/plan';
import type { DesiredUser, ScimResource, WfmUser } from '../../sync/types';
import { oktaUser } from '../helpers/okta-user';

const mapping = DEFAULT_MAPPING;
function desired(id: string, login: string, profile: Record<string, unknown> = {}): DesiredUser {
  const r = mapOktaUser(oktaUser({ id, profile: { login, email: login, ...profile } }), { mapping, supervisorGroups: [] });
  if (!r.ok) throw new Error(r.reason);
  return r.user;
}
function wfm(id: string, raw: ScimResource): WfmUser {
  return {
    id,
    userName: String(raw.userName),
    externalId: typeof raw.externalId === 'string' ? raw.externalId : undefined,
    active: raw.active !== false,
    version: undefined,
    raw: { ...raw, id },
  };
}
const synced = (d: DesiredUser, id: string, extra: ScimResource = {}): WfmUser => wfm(id, { ...buildResource(d, mapping), ...extra });

describe('plan', () => {
  const maria = desired('00u1', 'maria@example.com');

  it('creates a user the WFM does not have', () => {
    expect(plan([maria], [], { mapping })).toMatchObject([{ type: 'create', oktaId: '00u1' }]);
  });

  it('is a noop when every owned attribute matches, ignoring case, whitespace and absent vs empty', () => {
    const current = synced(maria, 'w1', { userName: ' MARIA@example.com ', title: '', displayName: 'Maria Lopez ' });
    expect(plan([maria], [current], { mapping })).toMatchObject([{ type: 'noop', wfmId: 'w1' }]);
  });

  it('updates with exactly the changed fields', () => {
    const current = synced(maria, 'w1', { name: { givenName: 'Mary', familyName: 'Lopez' } });
    const [action] = plan([maria], [current], { mapping });
    expect(action).toMatchObject({ type: 'update', link: false, changes: [{ path: 'name.givenName', from: 'Mary', to: 'Maria' }] });
  });

  it('links a user matched by userName with no externalId, never creating a second one', () => {
    const current = synced(maria, 'w1', { externalId: undefined, userName: 'Maria@Example.com' });
    delete (current.raw as ScimResource).externalId;
    const [action] = plan([maria], [{ ...current, externalId: undefined }], { mapping });
    expect(action).toMatchObject({ type: 'update', link: true, wfmId: 'w1' });
    expect(action?.type === 'update' && action.changes.map((c) => c.path)).toEqual(['externalId']);
  });

  it('prefers the externalId match over a userName match', () => {
    const renamed = desired('00u1', 'maria.new@example.com');
    const linked = synced(maria, 'w1');
    const [action] = plan([renamed], [linked], { mapping });
    expect(action).toMatchObject({ type: 'update', wfmId: 'w1', link: false });
  });

  it.each([
    ['two users carry the Okta id', [synced(maria, 'w1'), synced(maria, 'w2', { userName: 'other@example.com' })]],
    ['the userName belongs to a user linked to another Okta id', [synced(maria, 'w1', { externalId: '00u9' })]],
    ['the new login is held by another WFM user', [synced(maria, 'w1', { userName: 'old@example.com' }), wfm('w2', { userName: 'maria@example.com' })]],
    ['two WFM users share the userName', [wfm('w1', { userName: 'maria@example.com' }), wfm('w2', { userName: 'MARIA@example.com' })]],
  ])('is a conflict when %s', (_why, current) => {
    const [action] = plan([maria], current, { mapping });
    expect(action?.type).toBe('conflict');
    expect(action?.type === 'conflict' && action.reason.length).toBeGreaterThan(0);
  });

  it.each([
    ['in another case', 'ZOË.NG@example.com'],
    ['in another Unicode form (NFD)', 'zoë.ng@example.com'.normalize('NFD')],
    ['with a trailing blank', 'zoë.ng@example.com '],
  ])('a linked user that already holds its login is written, though another WFM user holds the login %s', (_how, twinName) => {
    const zoe = desired('00u1', 'zoë.ng@example.com', { department: 'Support' });
    const twin = wfm('w2', { userName: twinName });
    const linked = synced(zoe, 'w1', { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Sales' } });
    expect(plan([zoe], [linked, twin], { mapping })).toMatchObject([{ type: 'update', wfmId: 'w1', link: false }]);
    expect(plan([zoe], [synced(zoe, 'w1', { active: false }), twin], { mapping })).toMatchObject([{ type: 'reactivate', wfmId: 'w1' }]);
  });

  it('is a conflict for both Okta users when two logins differ only in case', () => {
    const a = desired('00u1', 'sam@example.com');
    const b = desired('00u2', 'SAM@example.com');
    expect(plan([a, b], [], { mapping }).map((x) => x.type)).toEqual(['conflict', 'conflict']);
  });

  it('reactivates an inactive linked user', () => {
    const [action] = plan([maria], [synced(maria, 'w1', { active: false })], { mapping });
    expect(action).toMatchObject({ type: 'reactivate', wfmId: 'w1' });
  });

  it('never revives an inactive WFM user linked to no Okta user that holds the login: a conflict for an admin', () => {
    const former = wfm('w1', { userName: 'Maria@Example.com', active: false });
    const [action] = plan([maria], [former], { mapping });
    expect(action).toMatchObject({ type: 'conflict', candidates: ['w1'] });
    expect(action?.type === 'conflict' && action.reason).toMatch(/inactive WFM user linked to no Okta user/);
  });

  it('holds a create for a user this sync wrote before (read by lookups, it may be there under an old login)', () => {
    const other = desired('00u2', 'sam@example.com');
    const held = holdCreatesWrittenBefore(plan([maria, other], [], { mapping }), new Set(['00u1']));
    expect(held.map((a) => [a.oktaId, a.type])).toEqual([
      ['00u1', 'conflict'],
      ['00u2', 'create'],
    ]);
  });

  it('leaves WFM users nobody desires alone', () => {
    expect(plan([], [wfm('w1', { userName: 'someone@example.com' })], { mapping })).toEqual([]);
  });
});
