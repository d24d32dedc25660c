import { DEFAULT_MAPPING } from '../../config/mapping';
import { CORE_URN } from '../../config/targets';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { diffOwned, mergeOwned } from '../../mappers/scim-merge';
import type { ScimResource } from '../../sync/types';
import { oktaUser } from '../helpers/okta-user';

const mapping = DEFAULT_MAPPING;
const mapped = mapOktaUser(oktaUser({ id: '00u1', groups: ['Sup'] }), { mapping, supervisorGroups: ['Sup'] });
if (!mapped.ok) throw new Error(mapped.reason);
const desired = mapped.user;
const WORK = 'maria.lopez@example.com';

const current = (emails: unknown[], roles: unknown[] = [{ value: 'supervisor', primary: true }]): ScimResource => ({
  schemas: [CORE_URN],
  id: 'w1',
  externalId: '00u1',
  userName: WORK,
  name: { givenName: 'Maria', familyName: 'Lopez' },
  displayName: 'Maria Lopez',
  emails,
  roles,
  active: true,
});

/** What a server that stores only the `value` of each email (type and primary are optional, RFC 7643 §4.1.2) answers. */
const valuesOnly = (r: ScimResource): ScimResource => ({ ...r, emails: (r.emails as { value: unknown }[]).map(({ value }) => ({ value })) });

describe('multi-valued attributes as servers of other makes hold them', () => {
  it.each<[string, unknown[]]>([
    ['in another order', [{ value: 'home@example.com', type: 'home', primary: false }, { value: WORK, type: 'work', primary: true }]],
    ['typed in another case', [{ value: WORK.toUpperCase(), type: 'WORK', primary: true }]],
    ['untyped but primary', [{ value: 'home@example.com', type: 'home' }, { value: WORK, primary: true }]],
    ['untyped among others, neither typed nor primary', [{ value: 'home@example.com', type: 'home' }, { value: WORK }]],
    ['stored as values only', [{ value: WORK }, { value: 'home@example.com' }]],
    ['untyped, beside an untyped address an admin made primary', [{ value: WORK }, { value: 'home@example.com', primary: true }]],
  ])('the work email %s is up to date', (_what, emails) => {
    expect(diffOwned(desired, current(emails), mapping)).toEqual([]);
  });

  it("a write on a server that returns no types keeps an admin's primary address and the work entry beside it", () => {
    const moved = { ...desired, attrs: { ...desired.attrs, displayName: 'Maria L.' } };
    expect(mergeOwned(current([{ value: WORK }, { value: 'home@example.com', primary: true }]), moved, mapping).emails).toEqual([
      { value: WORK, type: 'work' },
      { value: 'home@example.com', primary: true },
    ]);
  });

  it("several work emails, an admin's one primary and listed first: the one holding Okta's value is ours, and nothing is written", () => {
    const emails = [
      { value: 'team-east@example.com', type: 'work', primary: true },
      { value: WORK, type: 'work' },
    ];
    expect(diffOwned(desired, current(emails), mapping)).toEqual([]);
    // Merged anyway (another attribute changed): both stay, the admin's still primary.
    expect(mergeOwned(current(emails), desired, mapping).emails).toEqual(emails);
  });

  it("a changed work email replaces the entry holding the value last written, not an admin's beside it, typed or not", () => {
    const old = 'old@example.com';
    const moved = { ...desired, attrs: { ...desired.attrs, 'emails.work': 'new@example.com' } };
    const team = { value: 'team-east@example.com', type: 'work', primary: true };
    const typed = current([team, { value: old, type: 'work' }]);
    expect(diffOwned(moved, typed, mapping, { 'emails.work': old })).toEqual([{ path: 'emails.work', from: old, to: 'new@example.com' }]);
    expect(mergeOwned(typed, moved, mapping, { 'emails.work': old }).emails).toEqual([team, { value: 'new@example.com', type: 'work' }]);
    // A server that keeps values only: the same, by value.
    const untyped = current([{ value: team.value, primary: true }, { value: old }]);
    expect(mergeOwned(untyped, moved, mapping, { 'emails.work': old }).emails).toEqual([{ value: team.value, primary: true }, { value: 'new@example.com', type: 'work' }]);
    // Without the value last written, the first of the type stands for ours (as before).
    expect(mergeOwned(typed, moved, mapping).emails).toEqual([{ ...team, value: 'new@example.com' }, { value: old, type: 'work' }]);
  });

  it('a changed work email is written over its entry and its duplicates, never beside an untyped copy', () => {
    const old = 'old@example.com';
    const moved = { ...desired, attrs: { ...desired.attrs, 'emails.work': 'new@example.com' } };
    const merged = (emails: unknown[]) => mergeOwned(current(emails), moved, mapping).emails;
    expect(merged([{ value: old, type: 'work', primary: true }, { value: old, type: 'work' }, { value: 'home@example.com', type: 'home' }])).toEqual([
      { value: 'new@example.com', type: 'work', primary: true },
      { value: 'home@example.com', type: 'home' },
    ]);
    expect(merged([{ value: 'home@example.com', type: 'home' }, { value: 'NEW@example.com' }])).toEqual([
      { value: 'home@example.com', type: 'home' },
      { value: 'new@example.com', type: 'work', primary: true },
    ]);
  });

  it('reads a primary flag sent as the string "true": one primary after a write (the admin\'s), and the primary role found', () => {
    const moved = { ...desired, attrs: { ...desired.attrs, 'emails.work': 'new@example.com' } };
    const merged = mergeOwned(current([{ value: 'home@example.com', type: 'home', primary: 'true' }, { value: 'old@example.com', type: 'work' }]), moved, mapping);
    expect(merged.emails).toEqual([
      { value: 'home@example.com', type: 'home', primary: 'true' },
      { value: 'new@example.com', type: 'work' },
    ]);
    expect(diffOwned(desired, current([{ value: WORK, type: 'work', primary: true }], [{ value: 'agent' }, { value: 'supervisor', primary: 'True' }]), mapping)).toEqual([]);
  });

  it('a server that keeps only values converges: one write, then no entry is added run after run', () => {
    const moved = { ...desired, attrs: { ...desired.attrs, 'emails.work': 'new@example.com' } };
    let held = valuesOnly(current([{ value: WORK, type: 'work', primary: true }, { value: 'home@example.com', type: 'home' }]));
    let writes = 0;
    for (let run = 0; run < 3; run += 1) {
      if (diffOwned(moved, held, mapping).length === 0) continue;
      held = valuesOnly(mergeOwned(held, moved, mapping));
      writes += 1;
    }
    // Untyped, the old work email cannot be told from any other: it is kept, never guessed at.
    expect(held.emails).toEqual([{ value: 'new@example.com' }, { value: WORK }, { value: 'home@example.com' }]);
    expect(writes).toBe(1);
  });

  it('the primary role is written once: a secondary entry of the same value is not kept beside it', () => {
    const merged = mergeOwned(current([{ value: WORK, type: 'work', primary: true }], [{ value: 'agent', primary: true }, { value: 'Supervisor' }]), desired, mapping);
    expect(merged.roles).toEqual([{ value: 'supervisor', primary: true }]);
  });
});

describe('roles on a WFM that keeps their values without primary', () => {
  const agent = mapOktaUser(oktaUser({ id: '00u1' }), { mapping, supervisorGroups: ['Sup'] });
  if (!agent.ok) throw new Error(agent.reason);
  const email = [{ value: WORK, type: 'work', primary: true }];

  it('a demotion replaces the role the sync gave, keeping an admin\'s other role', () => {
    const merged = mergeOwned(current(email, [{ value: 'supervisor' }, { value: 'reporting' }]), agent.user, mapping);
    expect(merged.roles).toEqual([{ value: 'agent', primary: true }, { value: 'reporting' }]);
  });

  it('a role already held among them is flagged, and the sync\'s old one goes', () => {
    const merged = mergeOwned(current(email, [{ value: 'supervisor' }, { value: 'Agent' }, { value: 'reporting' }]), agent.user, mapping);
    expect(merged.roles).toEqual([{ value: 'Agent', primary: true }, { value: 'reporting' }]);
  });

  it('the diff sees an old role of the sync kept beside the new one, and the merge drops it', () => {
    const kept = current(email, [{ value: 'agent' }, { value: 'supervisor' }, { value: 'reporting' }]);
    expect(diffOwned(agent.user, kept, mapping)).toEqual([{ path: 'roles.primary', from: 'supervisor', to: 'agent' }]);
    expect(mergeOwned(kept, agent.user, mapping).roles).toEqual([{ value: 'agent', primary: true }, { value: 'reporting' }]);
    expect(diffOwned(agent.user, current(email, [{ value: 'agent' }, { value: 'reporting' }]), mapping)).toEqual([]);
  });

  it('roles flagged primary, or only an admin\'s, are left to the usual rules', () => {
    expect(mergeOwned(current(email, [{ value: 'supervisor', primary: true }, { value: 'reporting' }]), agent.user, mapping).roles).toEqual([{ value: 'agent', primary: true }, { value: 'reporting' }]);
    expect(mergeOwned(current(email, [{ value: 'reporting' }, { value: 'audit' }]), agent.user, mapping).roles).toEqual([{ value: 'agent', primary: true }, { value: 'reporting' }, { value: 'audit' }]);
  });
});
