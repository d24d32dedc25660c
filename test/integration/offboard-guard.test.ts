import { Redis } from 'ioredis';
import { createOktaSource } from '../../clients/okta';
import { loadConfig } from '../../config/load-config';
import { runOffboard } from '../../jobs/offboard';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { createLogger } from '../../worker/logger';
import { buildApp } from '../../worker/main';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness';
import { activeInScope, activeOf, deactivateCalls, userApiCalls } from '../helpers/offboard';

describe('the off-boarding guards, against both sandboxes and real Redis', () => {
  let h: Harness;
  let redis: Redis;
  let leavers: string[] = [];
  let planId = '';
  const statsKey = (): string => `${h.prefix}:okta:pull-stats`;
  const baseline = async (): Promise<unknown> => JSON.parse((await redis.get(statsKey())) ?? 'null') as unknown;
  const offboard = (args: string[] = [], extraEnv: Record<string, string> = {}) => h.cli(['offboard', '--once', '--json', ...args], extraEnv);
  const sync = async (): Promise<void> => {
    expect((await h.cli(['sync', '--once'])).code).toBe(0);
  };

  beforeAll(async () => {
    h = await startHarness({ users: 60, seed: 5 });
    redis = new Redis(REDIS_URL);
    await sync();
  });
  afterAll(async () => {
    await redis.quit();
    await h.close();
  });
  beforeEach(() => {
    h.wfm.requests.length = 0;
    h.okta.resetFaults();
  });

  it('40% deprovisioned: exit 3, zero deactivate calls, and the plan kept for 24 hours', async () => {
    const inScope = inScopeUsers(h.okta.state, h.okta.appId).map((u) => u.id);
    leavers = activeInScope(h).slice(0, Math.ceil(inScope.length * 0.4));
    for (const id of leavers) h.okta.state.setStatus(id, 'DEPROVISIONED');

    const dry = await offboard(['--dry-run']);
    expect(dry.code).toBe(3);
    expect(dry.report?.planId).toBeUndefined();
    expect(dry.err.join('\n')).toContain('Dry run: no plan was saved');

    const { code, report, err } = await offboard();
    expect(code).toBe(3);
    expect(userApiCalls(h)).toBe(0);
    expect(report).toMatchObject({ planned: { deactivate: leavers.length }, applied: { deactivate: 0 }, failed: [] });
    planId = report?.planId ?? '';
    expect(planId).toMatch(/^plan-/);
    const message = err.join('\n');
    expect(message).toContain('DEACTIVATION_MAX_PERCENT=10');
    expect(message).toContain('the Okta in-scope count fell');
    expect(message).toContain('Nothing was deactivated');
    expect(message).toContain(`okta-wfm-sync approve ${planId}`);
    const ttl = await redis.ttl(`${h.prefix}:offboard:plan:${planId}`);
    expect(ttl).toBeGreaterThan(24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
    expect(leavers.every((id) => activeOf(h, id) === true)).toBe(true);

    // Neither a sync nor a dry run makes the fallen count the baseline: off-boarding keeps judging it.
    const good = await baseline();
    await sync();
    expect(await baseline()).toEqual(good);
    expect((await h.cli(['plan'])).code).toBe(0);
    expect(await baseline()).toEqual(good);
    expect((await offboard(['--dry-run'])).code).toBe(3);
  });

  it('approve applies exactly that plan, re-checking each user first, once', async () => {
    const [cameBack, ...rest] = leavers as [string, ...string[]];
    h.okta.state.setStatus(cameBack, 'ACTIVE');
    h.okta.state.assignUserToApp(h.okta.appId, cameBack);
    const activeBefore = h.wfm.state.all().filter((u) => u.active === true).length;

    // Under another org or scope the re-check would find nobody assigned: refused before it.
    const elsewhere = await h.cli(['approve', planId, '--json'], { OKTA_APP_ID: '0oaNoSuchApp00000000' });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.report?.error).toMatch(/was made for Okta .* \(OKTA_APP_ID=0oa.*these settings name .*\(OKTA_APP_ID=0oaNoSuchApp00000000\).*Nobody was re-checked or deactivated/);
    const otherOrg = await h.cli(['approve', planId, '--json'], { OKTA_ORG_URL: 'http://127.0.0.1:9' });
    expect(otherOrg.code).toBe(2);
    expect(otherOrg.report?.error).toMatch(/these settings name http:\/\/127\.0\.0\.1:9 .*check OKTA_ORG_URL/);
    expect(userApiCalls(h)).toBe(0);
    // A plan that does not say (saved by an earlier version): the scope must still resolve in Okta,
    // every entry of it (a mistyped or deleted group too).
    const planKey = `${h.prefix}:offboard:plan:${planId}`;
    const saved = (await redis.get(planKey)) ?? '';
    const { source: _source, ...legacy } = JSON.parse(saved) as Record<string, unknown>;
    await redis.set(planKey, JSON.stringify(legacy), 'KEEPTTL');
    const [group] = h.okta.state.groups();
    const unknownGroup = await h.cli(['approve', planId, '--json'], { OKTA_APP_ID: '', OKTA_GROUPS: `${group?.name ?? ''},No Such Group` });
    expect(unknownGroup.code).toBe(2);
    expect(unknownGroup.report?.error).toMatch(/^OKTA_GROUPS: .*No Such Group.*Nobody was re-checked or deactivated/);
    const unknownApp = await h.cli(['approve', planId, '--json'], { OKTA_APP_ID: '0oaNoSuchApp00000000' });
    expect(unknownApp.code).toBe(2);
    expect(unknownApp.report?.error).toMatch(/OKTA_APP_ID/);
    expect(userApiCalls(h)).toBe(0);
    await redis.set(planKey, saved, 'KEEPTTL');

    const review = await h.cli(['approve', planId, '--dry-run', '--json']);
    expect(review.code).toBe(0);
    expect(review.report).toMatchObject({ dryRun: true, planned: { deactivate: rest.length }, applied: { deactivate: 0 } });
    expect(userApiCalls(h)).toBe(0);

    const { code, report } = await h.cli(['approve', planId, '--json']);
    expect(code).toBe(0);
    expect(report).toMatchObject({ kind: 'offboard', planId, planned: { deactivate: rest.length, noop: 1 }, applied: { deactivate: rest.length }, failed: [] });
    expect(deactivateCalls(h)).toBe(1);
    expect(activeOf(h, cameBack)).toBe(true);
    expect(rest.every((id) => activeOf(h, id) === false)).toBe(true);
    expect(h.wfm.state.all().filter((u) => u.active === true)).toHaveLength(activeBefore - rest.length);
    // Approved, the plan's pull is the baseline: the fall was real.
    expect(await baseline()).toMatchObject({ inScope: inScopeUsers(h.okta.state, h.okta.appId).length - 1, source: 'approve' });

    h.wfm.requests.length = 0;
    const again = await h.cli(['approve', planId]);
    expect(again.code).toBe(2);
    expect(again.out.join('\n')).toContain(`there is no saved plan ${planId}`);
    expect(userApiCalls(h)).toBe(0);
    expect((await h.cli(['approve', 'plan:*'])).code).toBe(2);
  });

  it('more than DEACTIVATION_MAX_COUNT: exit 3 and zero calls', async () => {
    await sync(); // the approved plan made the smaller org the baseline
    for (const id of activeInScope(h).slice(0, 2)) h.okta.state.setStatus(id, 'SUSPENDED');
    const { code, err } = await offboard([], { DEACTIVATION_MAX_COUNT: '1' });
    expect(code).toBe(3);
    expect(err.join('\n')).toContain('2 deactivations exceed DEACTIVATION_MAX_COUNT=1');
    expect(err.join('\n')).not.toContain('DEACTIVATION_MAX_PERCENT');
    expect(userApiCalls(h)).toBe(0);
  });

  it('an in-scope count that fell by more than the percentage since the last good pull never deactivates', async () => {
    const good = await baseline();
    const now = inScopeUsers(h.okta.state, h.okta.appId).length;
    await redis.set(statsKey(), JSON.stringify({ inScope: now * 2, appUsers: now * 2, at: new Date().toISOString(), source: 'full-sync' }));
    const { code, err } = await offboard([], { DEACTIVATION_MAX_COUNT: '50', DEACTIVATION_MAX_PERCENT: '20' });
    expect(code).toBe(3);
    expect(err.join('\n')).toContain(`the Okta in-scope count fell from ${now * 2} to ${now}`);
    expect(userApiCalls(h)).toBe(0);
    // The implausible pull did not become the baseline.
    expect(await baseline()).toMatchObject({ inScope: now * 2 });
    await redis.set(statsKey(), JSON.stringify(good));
  });

  it('an Okta pull that did not finish leads to zero deactivations and a clear error', async () => {
    await sync();
    const config = loadConfig(h.env);
    const app = buildApp(config, createLogger({ level: 'error' }));
    try {
      // Small pages so the app-user listing has a second page, and fast retries.
      const okta = createOktaSource({ ...config.okta, pageSize: 10, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
      const deps = { ...app.deps, okta };
      h.okta.setFaults({ breakPageAfter: 1 });
      const broken = await runOffboard(deps, {});
      expect(broken.fatal?.kind).toBe('incomplete');
      expect(broken.report.error).toMatch(/^the Okta pull did not finish, so nothing was deactivated \(.+\); run again once Okta answers$/);
      expect(broken.report.applied.deactivate).toBe(0);
      expect(userApiCalls(h)).toBe(0);

      // A setting Okta cannot satisfy: exit 2, and the line says what to fix, not to wait for Okta.
      const misnamed = await offboard(['--dry-run'], { SUPERVISOR_GROUPS: 'No Such Group' });
      expect(misnamed.code).toBe(2);
      expect(misnamed.report?.error).toBe(
        'the Okta pull did not finish, so nothing was deactivated (SUPERVISOR_GROUPS: Okta has no group named "No Such Group"; name the group as Okta has it, or set SUPERVISOR_GROUPS=off when no group gives the supervisor role)',
      );
      expect(userApiCalls(h)).toBe(0);

      h.okta.resetFaults();
      const fine = await runOffboard(deps, {});
      expect(fine.fatal).toBeUndefined();
      expect(fine.report.applied.deactivate).toBe(2);
      expect(deactivateCalls(h)).toBe(1);
    } finally {
      await app.close();
    }
  });
});
