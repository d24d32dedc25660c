import { Redis } from 'ioredis';
import { loadConfig } from '../../config/load-config';
import { runFullSync } from '../../jobs/full-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import type { ScimPort } from '../../sync/ports';
import { createWfmClients } from '../../worker/main';
import { createMetrics } from '../../worker/metrics';
import { startTestApp, type TestApp } from '../helpers/app';
import { countRequests } from '../../sandbox/wfm/server';
import { VERDICT_FRESH_MS } from '../../sync/kept-answers';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness';

type Person = { id: string; login: string };

/**
 * A WFM that keeps userName and emails as they were created: a PUT that changes them is answered
 * 200 with the old values (as Zoom's SCIM API does with userName). Renames made in Okta are
 * reported as not made, and not written again on every run.
 */
describe('a WFM that answers a change of userName and email with the old values', () => {
  let h: Harness;
  let redis: Redis;
  let people: Person[];
  const puts = (): number => countRequests(h.wfm.requests, { method: 'PUT', api: 'scim' });
  const wfmUser = (p: Person): Record<string, unknown> | undefined => h.wfm.state.all().find((u) => u.externalId === p.id);
  const changes = async (): Promise<Record<string, { kept: boolean; at: number }>> =>
    (JSON.parse((await redis.get(`${h.prefix}:wfm:kept`)) ?? '{}') as { changes?: Record<string, { kept: boolean; at: number }> }).changes ?? {};
  /** Makes the answers' verdicts on changes older than they are trusted, as 37 hours later. */
  const age = async (): Promise<void> => {
    const record = JSON.parse((await redis.get(`${h.prefix}:wfm:kept`)) ?? '{}') as { changes: Record<string, { at: number }> };
    for (const v of Object.values(record.changes)) v.at -= VERDICT_FRESH_MS + 3600_000;
    await redis.set(`${h.prefix}:wfm:kept`, JSON.stringify(record));
  };

  beforeAll(async () => {
    h = await startHarness({ users: 12, seed: 31, wfm: { keptAsCreated: ['userName', 'emails'] } });
    redis = new Redis(REDIS_URL);
    people = inScopeUsers(h.okta.state, h.okta.appId).map((u) => ({ id: u.id, login: u.login }));
    expect((await h.cli(['sync', '--once'])).code).toBe(0);
  });
  afterAll(async () => {
    await redis.quit();
    await h.close();
  });

  it('the run that writes the renames reports each as not made, with the reason; the rest of the write is applied', async () => {
    const [a, b] = people as [Person, Person];
    h.okta.state.updateProfile(a.id, { login: 'renamed.a@example.com', email: 'renamed.a@example.com' });
    h.okta.state.updateProfile(b.id, { login: 'renamed.b@example.com', email: 'renamed.b@example.com', firstName: 'Renamed' });
    const before = puts();
    const { code, report } = await h.cli(['sync', '--once', '--json']);
    expect(code).toBe(1);
    expect(puts() - before).toBe(2);
    expect(report?.applied.update).toBe(0);
    expect(report?.failed.map((f) => f.userName).sort()).toEqual(['renamed.a@example.com', 'renamed.b@example.com']);
    const failure = report?.failed.find((f) => f.userName === 'renamed.a@example.com');
    expect(failure?.error).toBe(
      `the WFM did not change userName (still ${a.login}), emails.work (still ${a.login}): it answered the PUT with the values held before; this WFM may not allow changing them after creation (the rest of the write was applied)`,
    );
    expect(report?.drift).toMatchObject({ okta: 2, wfm: 0 });
    expect(wfmUser(a)?.userName).toBe(a.login);
    expect((wfmUser(b)?.name as { givenName?: string }).givenName).toBe('Renamed');
    expect(await changes()).toMatchObject({ userName: { kept: false }, 'emails.work': { kept: false }, 'name.givenName': { kept: true } });
  });

  it('later runs leave those changes out, say which users wait, and blame no WFM admin', async () => {
    for (let run = 0; run < 2; run += 1) {
      const before = puts();
      const { code, report } = await h.cli(['sync', '--once', '--json']);
      expect(code).toBe(0);
      expect(puts()).toBe(before);
      expect(report?.planned).toMatchObject({ update: 0, noop: people.length });
      expect(report?.failed).toEqual([]);
      expect(report?.unchangeable).toEqual(['emails.work', 'userName']);
      expect(report?.warnings).toEqual([expect.stringMatching(/^the WFM does not change these attributes once set: .*emails\.work \(2 users\), userName \(2 users\): renamed\.a@example\.com, renamed\.b@example\.com\./)]);
      expect(report?.drift).toMatchObject({ okta: 0, wfm: 0, both: 0 });
    }
    const plan = await h.cli(['plan']);
    expect(plan.out.join('\n')).toContain('not changed by the WFM: emails.work, userName');
    // explain tells the same as the run: nothing to write, and why, field by field.
    const explained = (await h.cli(['explain', 'renamed.a@example.com'])).out.join('\n');
    expect(explained).toMatch(/^Next run {2}noop: up to date in what the WFM changes/m);
    expect(explained).toMatch(/^userName .* kept as created$/m);
    expect(explained).toMatch(/^emails\.work .* kept as created$/m);
    expect(explained).toContain('kept as created: the WFM answered updates of this attribute with the value it held before');
  });

  it('another change of a waiting user is written, sending the whole user, and succeeds', async () => {
    const a = people[0] as Person;
    h.okta.state.updateProfile(a.id, { lastName: 'Moved' });
    const { code, report } = await h.cli(['sync', '--once', '--json']);
    expect(code).toBe(0);
    expect(report?.applied.update).toBe(1);
    expect(report?.drift).toMatchObject({ okta: 1, wfm: 0 });
    expect((wfmUser(a)?.name as { familyName?: string }).familyName).toBe('Moved');
    // The next run finds nothing more to write, and no edit made in the WFM.
    const next = await h.cli(['sync', '--once', '--json']);
    expect(next.report?.planned.update).toBe(0);
    expect(next.report?.drift).toMatchObject({ wfm: 0 });
  });

  it('36 hours on, one user is written again as a probe; once the WFM makes the change, everyone waiting is written', async () => {
    await age();
    const before = puts();
    const probe = await h.cli(['sync', '--once', '--json']);
    expect(probe.code).toBe(1);
    expect(puts() - before).toBe(1);
    expect(probe.report?.failed).toHaveLength(1);
    expect(probe.report?.warnings?.[0]).toMatch(/userName \(1 user\)/);
    expect((await changes()).userName).toMatchObject({ kept: false });
    expect(Date.now() - ((await changes()).userName?.at ?? 0)).toBeLessThan(VERDICT_FRESH_MS);

    h.wfm.config.keptAsCreated = [];
    await age();
    const changed = await h.cli(['sync', '--once', '--json']);
    expect(changed.code).toBe(0);
    expect(changed.report?.applied.update).toBe(1);
    const all = await h.cli(['sync', '--once', '--json']);
    expect(all.code).toBe(0);
    expect(all.report?.unchangeable).toBeUndefined();
    expect(all.report?.applied.update).toBe(1);
    expect(people.slice(0, 2).map((p) => wfmUser(p)?.userName).sort()).toEqual(['renamed.a@example.com', 'renamed.b@example.com']);
  });
});

/** A server that answers a PUT with the user as it was before (a stale copy), though it stores the change. */
const answeringStale = <P extends ScimPort>(port: P): P => ({
  ...port,
  replace: async (id, resource, version) => {
    const before = await port.get(id);
    await port.replace(id, resource, version);
    return before;
  },
});

describe('an answer that repeats the old values of a change the WFM made is not taken for one it left as it was', () => {
  let h: Harness;
  let app: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    h = await startHarness({ users: 8, seed: 32 });
    redis = new Redis(REDIS_URL);
    const { scim: real } = createWfmClients(loadConfig(h.env), createMetrics());
    app = startTestApp(h, { deps: { scim: { ...answeringStale(real), counting: (onRetry: () => void) => answeringStale(real.counting(onRetry)) } } });
  });
  afterAll(async () => {
    await app.close();
    await redis.quit();
    await h.close();
  });

  it('the user is read again: the rename counts as made, and later renames are written', async () => {
    expect((await runFullSync(app.deps)).report.applied.create).toBeGreaterThan(0);
    const [a, b] = inScopeUsers(h.okta.state, h.okta.appId).map((u) => ({ id: u.id, login: u.login })) as [Person, Person];
    h.okta.state.updateProfile(a.id, { login: 'stale.a@example.com', email: 'stale.a@example.com' });
    const renamed = await runFullSync(app.deps);
    expect(renamed.report.failed).toEqual([]);
    expect(renamed.report.applied.update).toBe(1);
    const record = JSON.parse((await redis.get(`${h.prefix}:wfm:kept`)) ?? '{}') as { changes?: Record<string, { kept: boolean }> };
    expect(record.changes?.userName).toMatchObject({ kept: true });
    h.okta.state.updateProfile(b.id, { login: 'stale.b@example.com', email: 'stale.b@example.com' });
    const next = await runFullSync(app.deps);
    expect(next.report.unchangeable).toBeUndefined();
    expect(next.report.applied.update).toBe(1);
    expect(h.wfm.state.all().filter((u) => String(u.userName).startsWith('stale.'))).toHaveLength(2);
  });
});
