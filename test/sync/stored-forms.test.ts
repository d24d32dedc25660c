import { DEFAULT_MAPPING } from '../../config/mapping';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { buildResource } from '../../mappers/scim-merge';
import { classifyChange, classifyPlan, ownedValuesOf } from '../../sync/drift';
import { plan } from '../../sync/plan';
import { formsFrom, heldAsStored, leaveOutStoredForms, type LastWritten } from '../../sync/stored-forms';
import type { DesiredUser, ScimResource, UpdateAction, WfmUser } from '../../sync/types';
import { oktaUser } from '../helpers/okta-user';

const mapping = DEFAULT_MAPPING;
function desired(id: string, profile: Record<string, unknown> = {}): DesiredUser {
  const login = `${id}@example.com`;
  const r = mapOktaUser(oktaUser({ id, profile: { login, email: login, firstName: 'Zoë 🌟', lastName: 'Smith', ...profile } }), { mapping, supervisorGroups: [] });
  if (!r.ok) throw new Error(r.reason);
  return r.user;
}
/** The user as a WFM that stores emoji as "?" holds it after a write of `d`. */
const narrowed = (d: DesiredUser, over: ScimResource = {}): WfmUser => {
  const raw = JSON.parse(JSON.stringify({ ...buildResource(d, mapping), id: `w-${d.oktaId}`, externalId: d.oktaId }).replace(/\\ud83c\\udf1f|🌟/g, '?')) as ScimResource;
  return { id: `w-${d.oktaId}`, userName: d.userName, externalId: d.oktaId, active: true, version: undefined, raw: { ...raw, ...over } };
};
const record = (d: DesiredUser): LastWritten => ({ values: ownedValuesOf(d, mapping), forms: formsFrom(narrowed(d).raw, d, mapping) });

describe('formsFrom: the values a write was answered with in a form of the WFM\'s own', () => {
  it('names each value held otherwise than sent, with the form held', () => {
    const d = desired('00u1');
    expect(formsFrom(narrowed(d).raw, d, mapping)).toEqual({ 'name.givenName': 'Zoë ?', displayName: 'Zoë ? Smith' });
  });

  it('leaves out values held as sent (as the diff compares), values the answer lacks, and the link', () => {
    const d = desired('00u2', { firstName: 'Ann  Marie' });
    const answer: ScimResource = { ...buildResource(d, mapping), userName: d.userName.toUpperCase(), name: { givenName: 'Ann Marie' }, externalId: 'someone-else' };
    delete answer.displayName;
    expect(formsFrom(answer, d, mapping)).toEqual({});
  });
});

describe('leaving out the changes that are only a stored form', () => {
  const d = desired('00u3');
  const last = new Map([[d.oktaId, record(d)]]);

  it('an update that only puts back the WFM\'s forms is a noop carrying them', () => {
    const [action] = leaveOutStoredForms(plan([d], [narrowed(d)], { mapping }), last);
    expect(action).toMatchObject({ type: 'noop', forms: { 'name.givenName': 'Zoë ?', displayName: 'Zoë ? Smith' } });
  });

  it('an Okta change is written, as changed in Okta (the WFM has not moved), with the form left out', () => {
    const moved = desired('00u3', { firstName: 'Zoë 🌙' });
    const { actions, drift } = classifyPlan(plan([moved], [narrowed(d)], { mapping }), last);
    const action = actions[0] as UpdateAction;
    expect(action.changes.map((c) => [c.path, c.side])).toEqual([['name.givenName', 'okta'], ['displayName', 'okta']]);
    expect(drift).toMatchObject({ okta: 1, wfm: 0, both: 0 });
    // Without the forms, the WFM would seem to have moved too.
    expect(classifyChange(action.changes[0]!, last.get(d.oktaId)?.values)).toBe('both');
  });

  it('an edit in the WFM is put back, as a WFM edit, and another form is not taken for the stored one', () => {
    const edited = narrowed(d, { displayName: 'Someone Else' });
    const { actions } = classifyPlan(plan([d], [edited], { mapping }), last);
    expect(actions[0]).toMatchObject({ type: 'update', changes: [{ path: 'displayName', from: 'Someone Else', side: 'wfm' }] });
    expect(heldAsStored({ path: 'displayName', from: 'Someone Else', to: 'Zoë 🌟 Smith' }, last.get(d.oktaId))).toBe(false);
  });

  it('a reactivation stays one, without the forms; users without forms are left alone', () => {
    const inactive = { ...narrowed(d), active: false };
    expect(leaveOutStoredForms(plan([d], [inactive], { mapping }), last)[0]).toMatchObject({ type: 'reactivate', changes: [] });
    const planned = plan([d], [narrowed(d)], { mapping });
    expect(leaveOutStoredForms(planned, new Map([[d.oktaId, { values: ownedValuesOf(d, mapping) }]]))).toEqual(planned);
  });
});
