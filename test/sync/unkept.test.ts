import { DEFAULT_MAPPING } from '../../config/mapping';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { buildResource } from '../../mappers/scim-merge';
import { clearPath } from '../../mappers/scim-paths';
import { classifyPlan, ownedValuesOf, type OwnedValues } from '../../sync/drift';
import { plan } from '../../sync/plan';
import type { Action, DesiredUser, ScimResource, WfmUser } from '../../sync/types';
import { readAnswer, tallyAnswer, updateVerdicts, VERDICT_FRESH_MS, type AnswerTally } from '../../sync/kept-answers';
import { dropUnkept, judgeUnkept, MIN_UNKEPT_USERS, missingInRead, unkeptAdvice, unkeptByVerdict } from '../../sync/unkept';
import { ENTERPRISE_URN } from '../../config/targets';
import { oktaUser } from '../helpers/okta-user';

const mapping = DEFAULT_MAPPING;
const DEPARTMENT = 'enterprise.department';
/** The judged paths sent with a value that the answer lacks. */
const droppedFrom = (answer: ScimResource, d: DesiredUser, m: typeof mapping, before?: ScimResource): string[] => readAnswer(answer, d, m, before).dropped;

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
  const last = new Map<string, { values: OwnedValues }>(written.map((d) => [d.oktaId, { values: ownedValuesOf(d, mapping) }]));
  return classifyPlan(plan(desiredUsers, current, { mapping }), last).actions;
}

const users = (count: number): DesiredUser[] => Array.from({ length: count }, (_, i) => desired(i + 1));

describe('missingInRead: what the read of the whole scope shows missing', () => {
  it(`an attribute no WFM user holds, lost from at least ${MIN_UNKEPT_USERS} users we wrote it to, is missing`, () => {
    const all = users(MIN_UNKEPT_USERS);
    const current = all.map((d) => wfmCopy(d, [DEPARTMENT]));
    expect(missingInRead(classified(all, current), current, mapping)).toEqual([DEPARTMENT]);
  });

  it(`fewer than ${MIN_UNKEPT_USERS} users are not enough: an admin may have cleared them`, () => {
    const all = users(MIN_UNKEPT_USERS - 1);
    const current = all.map((d) => wfmCopy(d, [DEPARTMENT]));
    expect(missingInRead(classified(all, current), current, mapping)).toEqual([]);
  });

  it('one WFM user holding a value there (another user, or one an admin created) shows the WFM keeps it', () => {
    const all = users(MIN_UNKEPT_USERS + 1);
    const current = all.map((d, i) => {
      const copy = wfmCopy(d, [DEPARTMENT]);
      if (i === 0) (copy.raw[ENTERPRISE_URN] as Record<string, unknown>).department = 'Set By An Admin';
      return copy;
    });
    expect(missingInRead(classified(all, current), current, mapping)).toEqual([]);
  });

  it('users we never wrote (no record) or whose Okta value changed since are no evidence', () => {
    const all = users(MIN_UNKEPT_USERS);
    const current = all.map((d) => wfmCopy(d, [DEPARTMENT]));
    expect(missingInRead(classified(all, current, []), current, mapping)).toEqual([]);
    const movedInOkta = all.map((d) => desired(Number(d.oktaId.slice(3)), 'Sales'));
    expect(missingInRead(classified(movedInOkta, current, all), current, mapping)).toEqual([]);
  });

  it('the attributes the WFM requires are never judged so; the link (externalId) is, and a link-only update then is a noop', () => {
    const all = users(MIN_UNKEPT_USERS);
    const current = all.map((d) => {
      const copy = wfmCopy(d, ['externalId', 'name.givenName']);
      return { ...copy, externalId: undefined };
    });
    const actions = classified(all, current);
    expect(actions.every((a) => a.type === 'update' && a.link)).toBe(true);
    expect(missingInRead(actions, current, mapping)).toEqual(['externalId']);
    const unlinkedOnly = all.map((d) => ({ ...wfmCopy(d, ['externalId']), externalId: undefined }));
    const dropped = dropUnkept(classified(all, unlinkedOnly), { unkept: ['externalId'], probes: [] });
    expect(dropped.map((a) => a.type)).toEqual(['noop', 'noop', 'noop']);
  });

  it('advice names what an admin can do, the sync\'s own role and link apart', () => {
    expect(unkeptAdvice([DEPARTMENT])).toBe(`enable ${DEPARTMENT} in the WFM tenant, or remove its rule from the mapping`);
    expect(unkeptAdvice(['roles.primary', 'externalId'])).toBe("roles.primary is the role the sync sets: enable roles in the WFM tenant; externalId is the sync's link to Okta: without it users are matched by userName alone, and off-boarding counts them unmanaged");
  });
});

describe('judgeUnkept: the read and the answers must agree', () => {
  const now = 10 * VERDICT_FRESH_MS;
  it.each<[string, Record<string, { kept: boolean; at: number }>, { unkept: string[]; probes: string[] }]>([
    ['answers that lacked it, recently: not kept, no probe', { [DEPARTMENT]: { kept: false, at: now - 1000 } }, { unkept: [DEPARTMENT], probes: [] }],
    ['answers that held it (cleared by admins since, a restore, a new tenant): written back', { [DEPARTMENT]: { kept: true, at: now - 1000 } }, { unkept: [], probes: [] }],
    ['no answer yet: one user is written for it, the others wait', {}, { unkept: [DEPARTMENT], probes: [DEPARTMENT] }],
    ['answers older than VERDICT_FRESH_MS: asked again', { [DEPARTMENT]: { kept: true, at: now - VERDICT_FRESH_MS - 1 } }, { unkept: [DEPARTMENT], probes: [DEPARTMENT] }],
  ])('%s', (_name, shown, expected) => {
    expect(judgeUnkept([DEPARTMENT], shown, now)).toEqual(expected);
  });

  it('lost links wait for a probe only when the answers last showed the WFM drops them; else they are written back', () => {
    const old = now - VERDICT_FRESH_MS - 1;
    expect(judgeUnkept(['externalId'], {}, now)).toEqual({ unkept: [], probes: [] });
    expect(judgeUnkept(['externalId'], { externalId: { kept: true, at: old } }, now)).toEqual({ unkept: [], probes: [] });
    expect(judgeUnkept(['externalId'], { externalId: { kept: false, at: old } }, now)).toEqual({ unkept: ['externalId'], probes: ['externalId'] });
    expect(judgeUnkept(['externalId'], { externalId: { kept: false, at: now - 1000 } }, now)).toEqual({ unkept: ['externalId'], probes: [] });
  });

  it('a run of a few users goes by recent answers that the last read of the whole scope agrees with', () => {
    const shown = { [DEPARTMENT]: { kept: false, at: now - 1000 }, displayName: { kept: true, at: now }, 'enterprise.employeeNumber': { kept: false, at: 0 }, userName: { kept: false, at: now }, 'nice.team.value': { kept: false, at: now } };
    const missing = [DEPARTMENT, 'displayName', 'enterprise.employeeNumber', 'userName', 'nice.team.value'];
    expect(unkeptByVerdict(shown, missing, mapping, now)).toEqual([DEPARTMENT]); // nice.team.value: no longer mapped
    expect(unkeptByVerdict(shown, [], mapping, now)).toEqual([]); // one answer alone is not enough
  });
});

describe('the answers to writes', () => {
  it('a path sent with a value and missing from the answer is dropped; the rest are held; a later answer that holds it wins', () => {
    const d = desired(1);
    expect(droppedFrom(wfmCopy(d).raw, d, mapping)).toEqual([]);
    expect(droppedFrom(wfmCopy(d, [DEPARTMENT]).raw, d, mapping)).toEqual([DEPARTMENT]);
    // An update's answer without a value the user held before: a partial answer, not a drop.
    expect(droppedFrom(wfmCopy(d, [DEPARTMENT]).raw, d, mapping, wfmCopy(d).raw)).toEqual([]);
    expect(droppedFrom(wfmCopy(d, [DEPARTMENT]).raw, d, mapping, wfmCopy(d, [DEPARTMENT]).raw)).toEqual([DEPARTMENT]);
    const tally: AnswerTally = {};
    tallyAnswer(tally, d, mapping, [DEPARTMENT]);
    tallyAnswer(tally, desired(2), mapping, [DEPARTMENT]);
    expect(tally[DEPARTMENT]).toEqual({ held: 0, dropped: 2 });
    expect(tally['displayName']).toEqual({ held: 2, dropped: 0 });
    expect(tally['userName']).toBeUndefined();
    const first = updateVerdicts({}, tally, 5);
    expect(first[DEPARTMENT]).toEqual({ kept: false, at: 5 });
    tallyAnswer(tally, desired(3), mapping, []);
    expect(updateVerdicts(first, tally, 6)[DEPARTMENT]).toEqual({ kept: true, at: 6 });
  });
});

describe('dropUnkept', () => {
  const all = users(MIN_UNKEPT_USERS);
  const notKept = { unkept: [DEPARTMENT], probes: [] };

  it('an update that would only put back the dropped value is a noop; one with other changes keeps them', () => {
    const current = all.map((d, i) => {
      const copy = wfmCopy(d, [DEPARTMENT]);
      if (i === 0) (copy.raw as ScimResource).displayName = 'Edited In The WFM';
      return copy;
    });
    const actions = dropUnkept(classified(all, current), notKept);
    expect(actions.map((a) => a.type)).toEqual(['update', 'noop', 'noop']);
    expect(actions[0]?.type === 'update' && actions[0].changes.map((c) => c.path)).toEqual(['displayName']);
    expect(actions[1]).toMatchObject({ type: 'noop', reason: expect.stringContaining(`it does not keep ${DEPARTMENT}`) as string });
  });

  it('a probe path is written to one user, picked by the run', () => {
    const current = all.map((d) => wfmCopy(d, [DEPARTMENT]));
    const probe = (probeSeed: number) => dropUnkept(classified(all, current), { unkept: [DEPARTMENT], probes: [DEPARTMENT], probeSeed }).map((a) => a.type);
    expect(probe(0)).toEqual(['update', 'noop', 'noop']);
    expect(probe(4)).toEqual(['noop', 'update', 'noop']);
  });

  it('no probe is added when a write the plan makes anyway sends a value there (its answer shows)', () => {
    const current = all.map((d, i) => {
      const copy = wfmCopy(d, [DEPARTMENT]);
      if (i === 2) (copy.raw as ScimResource).displayName = 'Edited In The WFM';
      return copy;
    });
    const actions = dropUnkept(classified([...all, desired(9)], current, all), { unkept: [DEPARTMENT], probes: [DEPARTMENT] });
    expect(actions.map((a) => a.type)).toEqual(['noop', 'noop', 'update', 'create']);
    expect(actions[2]?.type === 'update' && actions[2].changes.map((c) => c.path)).toEqual(['displayName']);
  });

  it('a value Okta changed is still written, as a change in Okta', () => {
    const current = all.map((d) => wfmCopy(d, [DEPARTMENT]));
    const changed = [desired(1, 'Sales'), ...all.slice(1)];
    const actions = dropUnkept(classified(changed, current, all), notKept);
    expect(actions.map((a) => a.type)).toEqual(['update', 'noop', 'noop']);
    expect(actions[0]?.type === 'update' && actions[0].changes).toEqual([{ path: DEPARTMENT, from: undefined, to: 'Sales', side: 'okta' }]);
  });

  it('a value an admin changed in the WFM (held, but different) is put back', () => {
    const current = all.map((d) => {
      const copy = wfmCopy(d);
      (copy.raw[ENTERPRISE_URN] as Record<string, unknown>).department = 'Edited';
      return copy;
    });
    const actions = dropUnkept(classified(all, current), notKept);
    expect(actions.map((a) => a.type)).toEqual(['update', 'update', 'update']);
  });

  it('a reactivation stays, for its revive', () => {
    const current = all.map((d) => ({ ...wfmCopy(d, [DEPARTMENT]), active: false }));
    const actions = dropUnkept(classified(all, current), notKept);
    expect(actions.map((a) => a.type)).toEqual(['reactivate', 'reactivate', 'reactivate']);
    expect(actions.every((a) => a.type === 'reactivate' && a.changes.length === 0)).toBe(true);
  });

  it('no unkept path leaves the plan as it is', () => {
    const current = all.map((d) => wfmCopy(d, [DEPARTMENT]));
    const plain = classified(all, current);
    expect(dropUnkept(plain, { unkept: [], probes: [] })).toEqual(plain);
  });
});
