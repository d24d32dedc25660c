import { Redis } from 'ioredis';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import { ENTERPRISE_URN } from '../../config/targets';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness';

const DEPARTMENT = 'enterprise.department';
/** The department as the WFM tenant's setting names it (RFC 7644 §3.10: the extension URN, then the attribute). */
const TENANT_DEPARTMENT = `${ENTERPRISE_URN}:department`;

describe('an owned attribute the WFM tenant has not enabled is not written again on every run', () => {
  let h: Harness;
  let redis: Redis;
  let users: { id: string; login: string }[];
  const puts = (): number => countRequests(h.wfm.requests, { method: 'PUT', api: 'scim' });
  const departmentOf = (oktaId: string): unknown => {
    const user = h.wfm.state.all().find((u) => u.externalId === oktaId) as Record<string, unknown> | undefined;
    return (user?.[ENTERPRISE_URN] as Record<string, unknown> | undefined)?.department;
  };

  beforeAll(async () => {
    h = await startHarness({ users: 30, seed: 5, wfm: { disabledAttributes: [TENANT_DEPARTMENT] } });
    redis = new Redis(REDIS_URL);
    users = inScopeUsers(h.okta.state, h.okta.appId).map((u) => ({ id: u.id, login: u.login }));
    const first = await h.cli(['sync', '--once', '--json']);
    expect(first.code).toBe(0);
    expect(first.report?.applied.create).toBe(users.length);
  });
  afterAll(async () => {
    await redis.quit();
    await h.close();
  });

  it('the next full sync finds it dropped from every user it wrote, writes nobody for it, and says so', async () => {
    expect(users.every((u) => departmentOf(u.id) === undefined)).toBe(true);
    const before = puts();
    const shown = await redis.get(`${h.prefix}:wfm:kept`);
    expect(JSON.parse(shown ?? '{}')).toMatchObject({ scimUrl: h.wfm.scimUrl, verdicts: { [DEPARTMENT]: { kept: false }, displayName: { kept: true } } });
    const plan = await h.cli(['plan']);
    expect(plan.code).toBe(0);
    expect(plan.out.join('\n')).toContain(`not kept by the WFM: ${DEPARTMENT}`);
    expect(await redis.get(`${h.prefix}:wfm:kept`)).toBe(shown); // a dry run records nothing

    const { code, report } = await h.cli(['sync', '--once', '--json']);
    expect(code).toBe(0);
    expect(report?.unkept).toEqual([DEPARTMENT]);
    expect(report?.planned).toMatchObject({ update: 0, noop: users.length });
    expect(report?.drift).toMatchObject({ wfm: 0 });
    expect(puts()).toBe(before);
  });

  it('a change made in Okta is still written, and an edit made in the WFM console still put back', async () => {
    const [movedInOkta, editedInWfm] = users as [{ id: string; login: string }, { id: string; login: string }];
    h.okta.state.updateProfile(movedInOkta.id, { department: 'Moved In Okta' });
    const edited = h.wfm.state.all().find((u) => u.externalId === editedInWfm.id);
    h.wfm.state.editAttribute(String(edited?.id), 'displayName', 'Edited In The Console');
    const before = puts();
    const { code, report } = await h.cli(['sync', '--once', '--json']);
    expect(code).toBe(0);
    expect(report?.applied.update).toBe(2);
    expect(puts() - before).toBe(2);
    expect(report?.unkept).toEqual([DEPARTMENT]);
    expect(report?.drift).toMatchObject({ okta: 1, wfm: 1, both: 0 });
    expect(h.wfm.state.all().find((u) => u.externalId === editedInWfm.id)?.displayName).not.toBe('Edited In The Console');
  });

  it('an incremental run and explain go by what the answers to earlier writes showed', async () => {
    expect((await h.cli(['sync', '--once', '--incremental'])).code).toBe(0); // the first one reads everything
    const touched = users[2] as { id: string; login: string };
    h.okta.state.updateProfile(touched.id, { title: 'Not Mapped' });
    const before = puts();
    const { code, report } = await h.cli(['sync', '--once', '--incremental', '--json']);
    expect(code).toBe(0);
    expect(report?.planned.update).toBe(0);
    expect(report?.planned.noop).toBeGreaterThanOrEqual(1);
    expect(report?.unkept).toEqual([DEPARTMENT]);
    expect(puts()).toBe(before);

    const explained = await h.cli(['explain', touched.login]);
    expect(explained.code).toBe(0);
    expect(explained.out.find((l) => l.startsWith('enterprise.depart'))).toMatch(/not kept by WFM$/);
    expect(explained.out.at(-1)).toMatch(/^not kept by WFM: the WFM drops this attribute/);
    expect(explained.out.some((l) => l.startsWith('WFM edit:'))).toBe(false);
  });

  it('once the tenant keeps it, a user written since holds it, and the next full sync writes it to everyone', async () => {
    h.wfm.config.disabledAttributes = [];
    const moved = users[3] as { id: string; login: string };
    h.okta.state.updateProfile(moved.id, { firstName: 'Renamed' });
    const one = await h.cli(['sync', '--once', '--json']);
    expect(one.report?.applied.update).toBe(1);
    expect(departmentOf(moved.id)).toEqual(expect.any(String));

    const all = await h.cli(['sync', '--once', '--json']);
    expect(all.code).toBe(0);
    expect(all.report?.unkept).toBeUndefined();
    const withDepartment = users.filter((u) => departmentOf(u.id) !== undefined).length;
    expect(withDepartment).toBeGreaterThan(3);
    expect(all.report?.applied.update).toBe(withDepartment - 1); // all but the one written above
  });
});

describe('values a WFM that keeps the attribute lost (cleared by admins, a restore) are written back', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ users: 20, seed: 6 });
    expect((await h.cli(['sync', '--once'])).code).toBe(0);
  });
  afterAll(() => h.close());

  it('the answers to the writes held the attribute, so a read that finds it cleared on every user is no reason to stop writing it', async () => {
    const holders = h.wfm.state.all().filter((u) => (u[ENTERPRISE_URN] as Record<string, unknown> | undefined)?.department !== undefined);
    expect(holders.length).toBeGreaterThanOrEqual(3);
    for (const u of holders) h.wfm.state.editAttribute(String(u.id), TENANT_DEPARTMENT, null);
    const { code, report } = await h.cli(['sync', '--once', '--json']);
    expect(code).toBe(0);
    expect(report?.unkept).toBeUndefined();
    expect(report?.applied.update).toBe(holders.length);
    expect(report?.drift).toMatchObject({ wfm: holders.length });
  });

  it('links lost on every user (a restore) are written back at once, even with no answer to go by', async () => {
    const redis = new Redis(REDIS_URL);
    try {
      await redis.del(`${h.prefix}:wfm:kept`);
    } finally {
      await redis.quit();
    }
    const all = h.wfm.state.all();
    for (const u of all) h.wfm.state.editAttribute(String(u.id), 'externalId', null);
    const { code, report } = await h.cli(['sync', '--once', '--json']);
    expect(code).toBe(0);
    expect(report?.unkept).toBeUndefined();
    expect(report?.applied.update).toBe(all.length);
    expect(h.wfm.state.all().every((u) => typeof u.externalId === 'string' && u.externalId !== '')).toBe(true);
  });
});
