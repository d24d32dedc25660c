import { startHarness, type Harness } from '../helpers/harness';
import { activeOf, userApiCalls, wfmIdOf, wfmUserOf } from '../helpers/offboard';
import { inScopeUsers } from '../../sandbox/okta/oracle';

/**
 * What an admin reviews before and after off-boarding: the users by name, not a count alone.
 * The CLI against both sandboxes and real Redis.
 */
describe('off-boarding names the users it deactivates, would deactivate, or a guard held', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ users: 40, seed: 17 });
    expect((await h.cli(['sync', '--once'])).code).toBe(0);
  });
  afterAll(async () => {
    await h.close();
  });

  const loginOf = (oktaId: string): string => String(wfmUserOf(h, oktaId)?.userName);

  it('a dry run lists who would go and why; the run then lists who went', async () => {
    const [leaver] = inScopeUsers(h.okta.state, h.okta.appId).filter((u) => u.status === 'ACTIVE');
    if (!leaver) throw new Error('no user');
    h.okta.state.setStatus(leaver.id, 'SUSPENDED');
    const wfmId = wfmIdOf(h, leaver.id);
    const entry = { oktaId: leaver.id, userName: loginOf(leaver.id), wfmId, reason: 'SUSPENDED in Okta' };

    const dry = await h.cli(['offboard', '--once', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(dry.report?.deactivations).toEqual([entry]);
    const dryText = (await h.cli(['offboard', '--once', '--dry-run'])).out.join('\n');
    expect(dryText).toContain('  would deactivate: 1');
    expect(dryText).toContain(`    ${entry.userName} (${leaver.id}), WFM user ${wfmId}: SUSPENDED in Okta`);
    expect(activeOf(h, leaver.id)).toBe(true);
    expect(userApiCalls(h)).toBe(0);

    const real = await h.cli(['offboard', '--once']);
    expect(real.code).toBe(0);
    expect(real.out.join('\n')).toContain(`  deactivated: 1\n    ${entry.userName} (${leaver.id}), WFM user ${wfmId}: SUSPENDED in Okta`);
    expect(activeOf(h, leaver.id)).toBe(false);
    const [stored] = (await h.cli(['status', '--json', '--limit', '1'])).out.map((l) => JSON.parse(l) as { runs: { deactivations?: unknown }[] });
    expect(stored?.runs[0]?.deactivations).toEqual([entry]);
  });

  it('a guard trip lists the plan it kept, and approve --dry-run (which its message points to) lists them after the re-check', async () => {
    const leavers = inScopeUsers(h.okta.state, h.okta.appId).filter((u) => u.status === 'ACTIVE' && activeOf(h, u.id) === true).slice(0, 2);
    for (const u of leavers) h.okta.state.setStatus(u.id, 'DEPROVISIONED');
    const tripped = await h.cli(['offboard', '--once', '--json'], { DEACTIVATION_MAX_COUNT: '1' });
    expect(tripped.code).toBe(3);
    const planId = tripped.report?.planId ?? '';
    const held = leavers.map((u) => ({ oktaId: u.id, userName: loginOf(u.id), wfmId: wfmIdOf(h, u.id) }));
    const byId = (a: { oktaId: string }, b: { oktaId: string }): number => a.oktaId.localeCompare(b.oktaId);
    expect([...(tripped.report?.heldByGuard ?? [])].sort(byId)).toEqual([...held].sort(byId));
    expect(tripped.report?.deactivations).toBeUndefined();

    const text = (await h.cli(['offboard', '--once'], { DEACTIVATION_MAX_COUNT: '1' })).out.join('\n');
    expect(text).toMatch(/ {2}held by the guard in plan plan-\S+, not deactivated: 2\n/);
    for (const u of held) expect(text).toContain(`    ${u.userName} (${u.oktaId}), WFM user ${u.wfmId}\n`);

    const review = await h.cli(['approve', planId, '--dry-run', '--json']);
    expect(review.code).toBe(0);
    expect([...(review.report?.deactivations ?? [])].sort(byId)).toEqual(held.map((u) => ({ ...u, reason: 'DEPROVISIONED in Okta' })).sort(byId));
    expect(leavers.every((u) => activeOf(h, u.id) === true)).toBe(true);
  });
});
