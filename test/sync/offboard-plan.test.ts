import { batches, isOktaUserId, judgeRecheck, linkedIdTest, planOffboard, type OffboardInput } from '../../sync/offboard-plan';
import type { WfmUser } from '../../sync/types';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 28, 12);
const okta = (n: number): string => `00u${String(n).padStart(17, '0')}`;
function wfm(id: string, externalId: string | undefined, active = true): WfmUser {
  return { id, userName: `${id}@example.com`, externalId, active, version: undefined, raw: { id } };
}
const run = (over: Partial<OffboardInput>) =>
  planOffboard({ wfmUsers: [], inScopeIds: new Set(), outSince: new Map(), now: NOW, graceMs: 0, ...over });

describe('planOffboard', () => {
  const users = [
    wfm('w1', okta(1)), // in scope
    wfm('w2', okta(2)), // out of scope
    wfm('w3', okta(3), false), // out, but already inactive
    wfm('w4', undefined), // no link
    wfm('w5', 'EMP-4711'), // an externalId that is not an Okta id
    wfm('w6', ''), // empty link
  ];

  it('picks only active WFM users linked to an Okta user out of scope', () => {
    const plan = run({ wfmUsers: users, inScopeIds: new Set([okta(1)]) });
    expect(plan.candidates).toEqual([{ wfmId: 'w2', oktaId: okta(2), userName: 'w2@example.com', outSince: NOW }]);
    expect(plan.managedActive).toBe(2);
    expect(plan.unmanaged).toBe(3);
    expect(plan.mark).toEqual([okta(2)]);
    expect(plan.clear).toEqual([]);
  });

  it('never touches unmanaged users, even with nothing in scope at all', () => {
    const plan = run({ wfmUsers: users.filter((u) => !isOktaUserId(u.externalId)) });
    expect(plan).toMatchObject({ candidates: [], waiting: [], managedActive: 0, unmanaged: 3, mark: [] });
  });

  it.each<[string, number | undefined, number, 'candidates' | 'waiting']>([
    ['no grace: out now is out', undefined, 0, 'candidates'],
    ['first seen now, grace 4h: waits', undefined, 4 * HOUR, 'waiting'],
    ['seen out 3h59m ago, grace 4h: waits', NOW - 4 * HOUR + 60_000, 4 * HOUR, 'waiting'],
    ['seen out exactly 4h ago, grace 4h: goes', NOW - 4 * HOUR, 4 * HOUR, 'candidates'],
    ['seen out 2 days ago, grace 4h: goes', NOW - 48 * HOUR, 4 * HOUR, 'candidates'],
  ])('%s', (_name, seenAt, graceMs, where) => {
    const outSince = new Map(seenAt === undefined ? [] : [[okta(2), seenAt]]);
    const plan = run({ wfmUsers: [wfm('w2', okta(2))], outSince, graceMs });
    expect(plan[where]).toHaveLength(1);
    expect(plan[where === 'candidates' ? 'waiting' : 'candidates']).toHaveLength(0);
    // An existing mark is kept, never moved forward.
    expect(plan.mark).toEqual(seenAt === undefined ? [okta(2)] : []);
    expect(plan[where][0]?.outSince).toBe(seenAt ?? NOW);
  });

  it('clears the mark of a user back in scope, or no longer active in the WFM', () => {
    const outSince = new Map([[okta(1), NOW - HOUR], [okta(3), NOW - HOUR], [okta(9), NOW - HOUR], [okta(2), NOW - HOUR]]);
    const plan = run({ wfmUsers: users, inScopeIds: new Set([okta(1)]), outSince, graceMs: 4 * HOUR });
    expect(plan.clear.sort()).toEqual([okta(1), okta(3), okta(9)]);
    expect(plan.waiting.map((c) => c.wfmId)).toEqual(['w2']);
    expect(plan.mark).toEqual([]);
  });

  it('counts every active linked user once in the base, and deactivates both copies of a duplicated link', () => {
    const plan = run({ wfmUsers: [wfm('a', okta(5)), wfm('b', okta(5)), wfm('c', okta(6))], inScopeIds: new Set([okta(6)]) });
    expect(plan.managedActive).toBe(3);
    expect(plan.candidates.map((c) => c.wfmId)).toEqual(['a', 'b']);
    expect(plan.mark).toEqual([okta(5)]);
  });
});

describe('isOktaUserId', () => {
  it.each([
    [okta(1), true],
    ['00ub0oNGTSWTBKOLGLNR', true],
    ['00g1abcdefghijklmno', false],
    ['00ub0oNGTSWTBKOLGLN', false],
    ['maria@example.com', false],
    ['', false],
    [undefined, false],
  ])('%s -> %s', (value, expected) => {
    expect(isOktaUserId(value)).toBe(expected);
  });
});

describe('an org whose user ids are not of Okta\'s form', () => {
  const uuid = (n: number): string => `3f2c${String(n).padStart(4, '0')}-9a1b-4c2d-8e3f-${String(n).padStart(12, '0')}`;

  it('takes externalIds of the one form every pulled id has, so a leaver is a candidate; other values stay unmanaged', () => {
    const plan = run({
      wfmUsers: [wfm('w1', uuid(1)), wfm('w2', uuid(2)), wfm('w3', 'EMP-4711'), wfm('w4', 'maria@example.com'), wfm('w5', '1234567')],
      inScopeIds: new Set([uuid(1), uuid(3)]),
    });
    expect(plan.candidates.map((c) => [c.wfmId, c.oktaId])).toEqual([['w2', uuid(2)]]);
    expect(plan.managedActive).toBe(2);
    expect(plan.unmanaged).toBe(3);
  });

  it('a candidate of the learned form that Okta does not know is refused, never taken for deleted: it may be another system\'s key', () => {
    expect(judgeRecheck(uuid(2), { found: false })).toMatchObject({ verdict: 'refuse', reason: expect.stringMatching(/not found in Okta, and its id is not of Okta's 00u form/) as unknown });
    expect(judgeRecheck(okta(2), { found: false })).toEqual({ verdict: 'deactivate', reason: 'deleted in Okta' });
    expect(judgeRecheck(uuid(2), { found: true, oktaId: uuid(2), status: 'SUSPENDED', assigned: true, inScope: false })).toEqual({ verdict: 'deactivate', reason: 'SUSPENDED in Okta' });
  });

  it('short ids, or ids of several forms, link their users when in scope now or seen in scope by this deployment; a seen one Okta no longer knows is deleted', () => {
    const plan = run({
      wfmUsers: [wfm('w1', 'u1001'), wfm('w2', 'u1002'), wfm('w3', 'u1003'), wfm('w4', 'EMP-4711')],
      inScopeIds: new Set(['u1001', 'usr_4f3a2b']),
      seenIds: new Set(['u1002']),
    });
    expect(plan.candidates.map((c) => [c.wfmId, c.oktaId])).toEqual([['w2', 'u1002']]);
    expect(plan.managedActive).toBe(2);
    expect(plan.unmanaged).toBe(2);
    expect(judgeRecheck('u1002', { found: false }, { seenInScope: true })).toEqual({ verdict: 'deactivate', reason: 'deleted in Okta' });
    expect(judgeRecheck('u1002', { found: false })).toMatchObject({ verdict: 'refuse' });
  });

  it('learns nothing from a mix of forms, from a short form, or when any pulled id is of Okta\'s form', () => {
    expect(linkedIdTest([uuid(1), 'abcdefghijklmnopqrstuvwxyz'])(uuid(2))).toBe(false);
    expect(linkedIdTest(['u1', 'u2'])('u3')).toBe(false);
    expect(linkedIdTest(['EMP000000000001'])('EMP000000000002')).toBe(false);
    expect(linkedIdTest([okta(1), uuid(1)])(uuid(2))).toBe(false);
    expect(linkedIdTest([])(uuid(2))).toBe(false);
    // Okta's own form is always taken, whatever the pull holds.
    expect(linkedIdTest([uuid(1)])(okta(2))).toBe(true);
    expect(linkedIdTest([uuid(1)])(uuid(9))).toBe(true);
    const plan = run({ wfmUsers: [wfm('w1', uuid(1)), wfm('w2', okta(2))], inScopeIds: new Set([okta(1)]) });
    expect(plan.candidates.map((c) => c.wfmId)).toEqual(['w2']);
    expect(plan.unmanaged).toBe(1);
  });
});

describe('judgeRecheck', () => {
  const id = okta(1);
  it.each([
    ['deleted (404)', { found: false } as const, 'deactivate', 'deleted in Okta'],
    ['suspended', { found: true, oktaId: id, status: 'SUSPENDED', assigned: true, inScope: false } as const, 'deactivate', 'SUSPENDED in Okta'],
    ['deprovisioned', { found: true, oktaId: id, status: 'DEPROVISIONED', assigned: false, inScope: false } as const, 'deactivate', 'DEPROVISIONED in Okta'],
    ['unassigned', { found: true, oktaId: id, status: 'ACTIVE', assigned: false, inScope: false } as const, 'deactivate', 'no longer assigned to the Okta app'],
    ['assigned, status out of scope', { found: true, oktaId: id, status: 'STAGED', assigned: true, inScope: false } as const, 'deactivate', 'status STAGED in Okta is out of scope'],
    ['assigned, a status Okta does not document', { found: true, oktaId: id, status: 'ON_HOLD', assigned: true, inScope: false } as const, 'refuse', 'status ON_HOLD in Okta is not one Okta documents: not deactivated'],
    ['unassigned, a status Okta does not document', { found: true, oktaId: id, status: 'ON_HOLD', assigned: false, inScope: false } as const, 'deactivate', 'no longer assigned to the Okta app'],
    ['back in scope', { found: true, oktaId: id, status: 'ACTIVE', assigned: true, inScope: true } as const, 'keep', 'back in scope in Okta'],
    ['another user answered', { found: true, oktaId: okta(2), status: 'SUSPENDED', assigned: true, inScope: false } as const, 'refuse', `Okta answered for another user (${okta(2)}): not touched`],
  ])('%s', (_name, check, verdict, reason) => {
    expect(judgeRecheck(id, check)).toEqual({ verdict, reason });
  });
});

describe('batches', () => {
  it('splits in order into batches of at most the size', () => {
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batches([1, 2], 50)).toEqual([[1, 2]]);
    expect(batches([], 50)).toEqual([]);
  });
});
