import { DEFAULT_MAPPING } from '../../config/mapping';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { buildResource } from '../../mappers/scim-merge';
import { clearPath } from '../../mappers/scim-paths';
import { classifyChange, classifyPlan, ownedValuesOf } from '../../sync/drift';
import { plan } from '../../sync/plan';
import { dropUnkept } from '../../sync/unkept';
import { readAnswer } from '../../sync/kept-answers';
import { heldAsStored, isStoredForm, leaveOutStoredForms, storedFormCounts, type LastWritten } from '../../sync/stored-forms';
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
const formsFrom = (answer: ScimResource, d: DesiredUser, before?: ScimResource): Record<string, string> => readAnswer(answer, d, mapping, before).forms;
const record = (d: DesiredUser): LastWritten => ({ values: ownedValuesOf(d, mapping), forms: formsFrom(narrowed(d).raw, d) });

describe('formsFrom: the values a write was answered with in a form of the WFM\'s own', () => {
  it('names each value held otherwise than sent, with the form held', () => {
    const d = desired('00u1');
    expect(formsFrom(narrowed(d).raw, d)).toEqual({ 'name.givenName': 'Zoë ?', displayName: 'Zoë ? Smith' });
  });

  it('leaves out values held as sent (as the diff compares), values the answer lacks, and the link', () => {
    const d = desired('00u2', { firstName: 'Ann  Marie' });
    const answer: ScimResource = { ...buildResource(d, mapping), userName: d.userName.toUpperCase(), name: { givenName: 'Ann Marie' }, externalId: 'someone-else' };
    delete answer.displayName;
    expect(formsFrom(answer, d)).toEqual({});
  });

  it('a value the write left as it was (a partial answer, or the same value as before) is a form only when known as one', () => {
    const d = desired('00u4');
    const known = { 'name.givenName': { sent: 'Zoë 🌟', form: 'Zoë ?' }, displayName: { sent: 'Zoë 🌟 Smith', form: 'Zoë ? Smith' } };
    const partial: ScimResource = { id: 'w-00u4', userName: d.userName };
    expect(readAnswer(partial, d, mapping, narrowed(d).raw, known).forms).toEqual({ 'name.givenName': 'Zoë ?', displayName: 'Zoë ? Smith' });
    expect(readAnswer(partial, d, mapping, { ...narrowed(d).raw, displayName: 'Someone Else' }, known).forms).toEqual({ 'name.givenName': 'Zoë ?' });
    expect(readAnswer(partial, d, mapping, narrowed(d).raw).forms).toEqual({});
    // A full answer holding what the user held before: the WFM may have ignored the write.
    const ignored = desired('00u4', { lastName: 'Smith-Jones' });
    const before = { ...narrowed(d).raw, name: { givenName: 'Zoë ?', familyName: 'Smith' } };
    expect(readAnswer(before, ignored, mapping, before).forms).toEqual({});
    expect(readAnswer(before, ignored, mapping, before, known).forms).toEqual({ 'name.givenName': 'Zoë ?' });
  });
});

describe('isStoredForm: what a WFM that cannot store a value whole makes of it, and nothing else', () => {
  it.each<[string, string, string, string, boolean]>([
    ['cut to a column', 'name.familyName', 'Featherstonehaugh-Cholmondeley', 'Featherstonehaugh-Cholmo', true],
    ['cut, its trailing blank trimmed', 'displayName', 'Ann Featherstone', 'Ann ', true],
    ['an emoji as "?"', 'name.givenName', 'Zoë 🌟', 'Zoë ?', true],
    ['a character as U+FFFD', 'name.givenName', 'Łucja', '\ufffducja', true],
    ['accents and case folded', 'name.familyName', 'Müller-Lüdenscheidt', 'MULLER-LUDENSCHEIDT', true],
    ['whitespace made one space, then cut', 'displayName', 'Ann  Marie de   la Cruz', 'Ann Marie de la', true],
    ['another value (a write the WFM ignored)', 'enterprise.department', 'Retention', 'Sales', false],
    ['"?" for a plain ASCII character', 'name.givenName', 'Ann', 'A?n', false],
    ['longer than sent', 'title', 'Lead', 'Lead Agent', false],
    ['the value as sent (no form at all)', 'name.givenName', 'Ann', ' Ann ', false],
    ['a role, even cut', 'roles.primary', 'supervisor', 'super', false],
    ['the link, even cut', 'externalId', '00u1abcdef', '00u1abc', false],
  ])('%s', (_name, path, sent, held, form) => {
    expect(isStoredForm(path, sent, held)).toBe(form);
  });
});

describe('leaving out the changes that are only a stored form', () => {
  const d = desired('00u3');
  const last = new Map([[d.oktaId, record(d)]]);

  it('an update that only puts back the WFM\'s forms is a noop carrying them', () => {
    const actions = leaveOutStoredForms(plan([d], [narrowed(d)], { mapping }), last);
    expect(actions[0]).toMatchObject({ type: 'noop', forms: { 'name.givenName': 'Zoë ?', displayName: 'Zoë ? Smith' } });
    expect(storedFormCounts(actions)).toEqual({ 'name.givenName': 1, displayName: 1 });
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

  it('an update left with only a value the WFM does not keep is a noop that still carries the forms', () => {
    const current = narrowed(d);
    const raw = JSON.parse(JSON.stringify(current.raw)) as ScimResource;
    clearPath(raw, 'enterprise.department');
    const withDepartment = desired('00u3', { department: 'Sales' });
    const last2 = new Map([[d.oktaId, { values: ownedValuesOf(withDepartment, mapping), forms: record(d).forms }]]);
    const { actions } = classifyPlan(plan([withDepartment], [{ ...current, raw }], { mapping }), last2);
    expect(actions[0]).toMatchObject({ type: 'update', changes: [{ path: 'enterprise.department' }], forms: { 'name.givenName': 'Zoë ?' } });
    expect(dropUnkept(actions, { unkept: ['enterprise.department'], probes: [] })[0]).toMatchObject({ type: 'noop', forms: { 'name.givenName': 'Zoë ?', displayName: 'Zoë ? Smith' } });
  });

  it('a reactivation stays one, without the forms; users without forms are left alone', () => {
    const inactive = { ...narrowed(d), active: false };
    expect(leaveOutStoredForms(plan([d], [inactive], { mapping }), last)[0]).toMatchObject({ type: 'reactivate', changes: [] });
    const planned = plan([d], [narrowed(d)], { mapping });
    expect(leaveOutStoredForms(planned, new Map([[d.oktaId, { values: ownedValuesOf(d, mapping) }]]))).toEqual(planned);
  });
});
