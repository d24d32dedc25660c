import { DEFAULT_MAPPING } from '../../config/mapping';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { buildResource } from '../../mappers/scim-merge';
import { classifyPlan, ownedValuesOf, type OwnedValues } from '../../sync/drift';
import { readAnswer, tallyChanges, updateVerdicts, VERDICT_FRESH_MS, type AnswerTally } from '../../sync/kept-answers';
import { plan } from '../../sync/plan';
import type { Action, DesiredUser, ScimResource, WfmUser } from '../../sync/types';
import { dropUnchangeable, judgeUnchangeable, unchangeableWarning } from '../../sync/unchangeable';
import { oktaUser } from '../helpers/okta-user';

const mapping = DEFAULT_MAPPING;
const NOW = 1_800_000_000_000;

function desired(n: number, profile: Record<string, string> = {}): DesiredUser {
  const login = `user${n}@example.com`;
  const r = mapOktaUser(oktaUser({ id: `00u${n}`, profile: { login, email: login, firstName: 'Ann', lastName: `Lee${n}`, ...profile } }), { mapping, supervisorGroups: [] });
  if (!r.ok) throw new Error(r.reason);
  return r.user;
}

const copyOf = (d: DesiredUser): WfmUser => {
  const raw: ScimResource = { ...buildResource(d, mapping), id: `w-${d.oktaId}`, externalId: d.oktaId };
  return { id: String(raw.id), userName: d.userName, externalId: d.oktaId, active: true, version: undefined, raw };
};

/** Renamed in Okta (login and email), the WFM still holding what was created. */
const renamed = (n: number, extra: Record<string, string> = {}): { was: DesiredUser; now: DesiredUser } => ({
  was: desired(n),
  now: desired(n, { login: `new${n}@example.com`, email: `new${n}@example.com`, ...extra }),
});

function classified(pairs: readonly { was: DesiredUser; now: DesiredUser }[]): Action[] {
  const last = new Map<string, { values: OwnedValues }>(pairs.map((p) => [p.was.oktaId, { values: ownedValuesOf(p.was, mapping) }]));
  return classifyPlan(plan(pairs.map((p) => p.now), pairs.map((p) => copyOf(p.was)), { mapping }), last).actions;
}

describe('readAnswer: changes the answer to an update left as they were', () => {
  it('a new value answered with the one held before is ignored, with the value held; a change made is not', () => {
    const { was, now } = renamed(1, { firstName: 'Anna-Maria' });
    const before = copyOf(was).raw;
    // The WFM kept userName and emails as created, and took the new given name.
    const answer: ScimResource = { ...buildResource(now, mapping), id: before.id, externalId: was.oktaId, userName: before.userName, emails: before.emails };
    expect(readAnswer(answer, now, mapping, before).ignored).toEqual({ userName: 'user1@example.com', 'emails.work': 'user1@example.com' });
    expect(readAnswer({ ...buildResource(now, mapping), id: before.id }, now, mapping, before).ignored).toEqual({});
  });

  it('is no evidence where nothing was there before, on a create, or where the old value may be a form of the new one (a cut)', () => {
    const { was } = renamed(2);
    const now = desired(2, { firstName: 'Annabel' });
    const before = copyOf(was).raw;
    // "Ann" is what a WFM that cuts names to 3 characters would store of "Annabel" too.
    // displayName "Ann Lee2" is no cut of "Annabel Lee2": that one the WFM left as it was.
    expect(readAnswer(before, now, mapping, before).ignored).toEqual({ displayName: 'Ann Lee2' });
    expect(readAnswer(before, renamed(2).now, mapping).ignored).toEqual({});
    const { name: _name, ...nameless } = before;
    expect(readAnswer({ ...before, name: { givenName: 'Ann' } }, now, mapping, nameless).ignored['name.givenName']).toBeUndefined();
  });
});

describe('tallyChanges and the verdicts', () => {
  it('counts the changes asked that the WFM made, and those it left as they were, with a user and the value sent to read again', () => {
    const tally: AnswerTally = {};
    const a = renamed(1).now;
    const b = renamed(2).now;
    tallyChanges(tally, a, ['userName', 'emails.work', 'name.givenName'], ['userName', 'emails.work'], 'w-1');
    tallyChanges(tally, b, [], ['userName'], 'w-2'); // a change the plan left out, sent with the PUT all the same
    expect(tally.userName).toEqual({ held: 0, dropped: 2, sample: 'w-1', sent: 'new1@example.com' });
    expect(tally['name.givenName']).toEqual({ held: 1, dropped: 0 });
    const verdicts = updateVerdicts({}, tally, NOW);
    expect(verdicts.userName).toEqual({ kept: false, at: NOW });
    expect(verdicts['name.givenName']).toEqual({ kept: true, at: NOW });
    // One change made is enough to write the others again.
    tallyChanges(tally, a, ['userName'], [], 'w-1');
    expect(updateVerdicts(verdicts, tally, NOW + 1).userName).toEqual({ kept: true, at: NOW + 1 });
  });

  it('judges fresh verdicts unchangeable, and older ones probes', () => {
    const changes = { userName: { kept: false, at: NOW - 1000 }, 'emails.work': { kept: false, at: NOW - VERDICT_FRESH_MS - 1 }, displayName: { kept: true, at: NOW } };
    expect(judgeUnchangeable(changes, NOW)).toEqual({ unchangeable: ['emails.work', 'userName'], probes: ['emails.work'] });
    expect(judgeUnchangeable(undefined, NOW)).toEqual({ unchangeable: [], probes: [] });
  });
});

describe('dropUnchangeable: the plan leaves out changes the WFM would leave as they are', () => {
  it('an update with only such changes is a noop that keeps what the WFM holds as written; other changes are still written', () => {
    const only = renamed(1);
    const more = renamed(2, { department: 'Moved' });
    const actions = classified([only, more]);
    expect(actions.map((a) => a.type)).toEqual(['update', 'update']);
    const { actions: out, waiting } = dropUnchangeable(actions, { unchangeable: ['emails.work', 'userName'], probes: [] });
    expect(out[0]).toMatchObject({ type: 'noop', held: { userName: 'user1@example.com', 'emails.work': 'user1@example.com' } });
    expect(out[0]?.type === 'noop' && out[0].reason).toMatch(/it left userName, emails.work as it was/);
    expect(out[1]?.type === 'update' && out[1].changes.map((c) => c.path)).toEqual(['enterprise.department']);
    // The PUT still sends every owned value: the desired user is whole.
    expect(out[1]?.type === 'update' && out[1].desired.attrs.userName).toBe('new2@example.com');
    expect(waiting).toEqual([
      { oktaId: only.now.oktaId, userName: 'new1@example.com', paths: ['userName', 'emails.work'] },
      { oktaId: more.now.oktaId, userName: 'new2@example.com', paths: ['userName', 'emails.work'] },
    ]);
    expect(unchangeableWarning(waiting)).toMatch(/emails\.work \(2 users\), userName \(2 users\): new1@example\.com, new2@example\.com\./);
  });

  it('a value the WFM does not hold is still written, and nothing is left out without a verdict', () => {
    const { was, now } = renamed(3);
    const { userName: _gone, ...raw } = copyOf(was).raw;
    const copy = { ...copyOf(was), raw };
    const last = new Map([[was.oktaId, { values: ownedValuesOf(was, mapping) }]]);
    const actions = classifyPlan(plan([now], [copy], { mapping }), last).actions;
    const { actions: out } = dropUnchangeable(actions, { unchangeable: ['userName'], probes: [] });
    expect(out[0]?.type === 'update' && out[0].changes.map((c) => c.path)).toContain('userName');
    expect(dropUnchangeable(classified([renamed(4)]), { unchangeable: [], probes: [] }).actions[0]?.type).toBe('update');
  });

  it('for a verdict no longer fresh, one user (picked by the seed) is written as a probe, the others wait', () => {
    const pairs = [renamed(1), renamed(2), renamed(3)];
    const actions = classified(pairs);
    for (const seed of [0, 1, 2]) {
      const { actions: out, waiting } = dropUnchangeable(actions, { unchangeable: ['emails.work', 'userName'], probes: ['emails.work', 'userName'], probeSeed: seed });
      expect(out.filter((a) => a.type === 'update')).toHaveLength(1);
      expect(out[seed]?.type).toBe('update');
      expect(waiting).toHaveLength(2);
    }
  });
});
