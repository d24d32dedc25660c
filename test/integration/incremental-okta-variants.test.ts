/**
 * The incremental sync against Okta implementations that differ from the sandbox in ways Okta's
 * documentation allows, or with awkward data: a proxy in front of the sandbox rewrites its answers.
 * Each case starts its own harness.
 */
import { runIncrementalSync } from '../../jobs/incremental-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { rawCursor, startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';
import { startOktaProxy, type OktaProxy, type ProxiedAnswer } from '../helpers/okta-proxy';

type Target = { id: string; type: string; alternateId?: string; displayName?: string };
type Ev = { uuid: string; eventType: string; published?: string; target?: Target[] };

type Env = { h: Harness; app: TestApp; proxy: OktaProxy };

async function start(seed: number): Promise<Env> {
  const h = await startHarness({ users: 30, seed });
  const proxy = await startOktaProxy(h.okta.url);
  const app = startTestApp(h, { env: { OKTA_ORG_URL: proxy.url } });
  const first = await runIncrementalSync(app.deps); // full sync: starts the cursor
  expect(first.fatal).toBeUndefined();
  return { h, app, proxy };
}
async function stop(e: Env | undefined): Promise<void> {
  if (!e) return;
  await e.app.close();
  await e.proxy.close();
  await e.h.close();
}
const wfmUser = (h: Harness, oktaId: string) => h.wfm.state.all().find((u) => u.externalId === oktaId);
const agents = (h: Harness) => inScopeUsers(h.okta.state, h.okta.appId, { supervisorGroup: 'WFM Supervisors' }).filter((u) => !u.supervisor && u.scope === 'USER');

const onLogs = (f: (events: Ev[], a: ProxiedAnswer) => ProxiedAnswer) => (url: URL, a: ProxiedAnswer) =>
  url.pathname === '/api/v1/logs' && Array.isArray(a.body) ? f(a.body as Ev[], a) : a;
const serverError = { status: 500, headers: { 'content-type': 'application/json' }, body: { errorCode: 'E0000009', errorSummary: 'Internal Server Error', errorCauses: [] } };
const cursorOf = async (h: Harness): Promise<{ retry?: string[] }> => JSON.parse((await rawCursor(h)) ?? '{}') as { retry?: string[] };

describe('Okta answers 5xx for one user, every time', () => {
  let e: Env | undefined;
  afterEach(async () => stop(e));

  it("fails only that user, read again by each next run: the others are written, the cursor moves, and the user's change lands once Okta serves it", async () => {
    e = await start(11);
    const { h, app, proxy } = e;
    const [bad, good] = agents(h);
    if (!bad || !good) throw new Error('agents');
    h.okta.state.updateProfile(bad.id, { lastName: 'Badchange' });
    h.okta.state.updateProfile(good.id, { lastName: 'Goodchange' });
    let failing = true;
    proxy.rewrites.push((url, a) => (failing && url.pathname === `/api/v1/users/${bad.id}` ? serverError : a));
    const before = await rawCursor(h);
    const first = await runIncrementalSync(app.deps);
    expect(first.fatal).toBeUndefined();
    expect(await rawCursor(h)).not.toBe(before);
    expect(wfmUser(h, good.id)).toMatchObject({ name: { familyName: 'Goodchange' } });
    expect(first.report.failed).toEqual([expect.objectContaining({ oktaId: bad.id, action: 'read', kind: 'transient', error: expect.stringContaining('500 E0000009') })]);
    expect((await cursorOf(h)).retry).toEqual([bad.id]);

    const second = await runIncrementalSync(app.deps); // no new change in Okta: the user is read again
    expect(second.fatal).toBeUndefined();
    expect(second.report.failed.map((f) => f.oktaId)).toEqual([bad.id]);
    failing = false;
    const third = await runIncrementalSync(app.deps);
    expect(third.report.failed).toEqual([]);
    expect(wfmUser(h, bad.id)).toMatchObject({ name: { familyName: 'Badchange' } });
    expect((await cursorOf(h)).retry).toEqual([]);
  });

  it('most touched users failing is Okta failing: the run stops before any write, and the cursor stays', async () => {
    e = await start(12);
    const { h, app, proxy } = e;
    const touched = agents(h).slice(0, 4);
    for (const u of touched) h.okta.state.updateProfile(u.id, { lastName: 'Unread' });
    const failing = new Set(touched.slice(0, 3).map((u) => `/api/v1/users/${u.id}`));
    proxy.rewrites.push((url, a) => (failing.has(url.pathname) ? serverError : a));
    const before = await rawCursor(h);
    const out = await runIncrementalSync(app.deps);
    expect(out.fatal).toMatchObject({ kind: 'transient', message: expect.stringContaining('500 E0000009') });
    expect(await rawCursor(h)).toBe(before);
    for (const u of touched) expect(wfmUser(h, u.id)?.name).not.toMatchObject({ familyName: 'Unread' });
  });
});

describe('a System Log that ends its listing without a next link, and one event stamped in the future', () => {
  let e: Env | undefined;
  afterEach(async () => stop(e));

  it('moves the cursor no further than the clock allows: a later role change is still read', async () => {
    e = await start(19);
    const { h, app, proxy } = e;
    // A server that links onwards only while a page is full (the spec: "If there are more events,
    // see the header link for the next link"), and one event with a clock-skewed `published`.
    proxy.rewrites.push(
      onLogs((evs, a) => {
        const link = ([] as string[]).concat(a.headers.link ?? []).flatMap((l) => l.split(/,(?=\s*<)/)).filter((l) => !/rel="?next"?/.test(l));
        return { ...a, headers: { ...a.headers, link }, body: evs };
      }),
    );
    const sup = h.okta.state.groupByName('WFM Supervisors')?.id ?? '';
    const [first, second] = agents(h);
    if (!first || !second) throw new Error('agents');
    h.okta.state.updateProfile(first.id, { title: 'skewed clock' });
    const skewed = new Set<string>();
    proxy.rewrites.push(
      onLogs((evs, a) => {
        for (const ev of evs) {
          if (ev.eventType === 'user.account.update_profile' && (ev.target ?? []).some((t) => t.id === first.id)) {
            ev.published = '2099-01-01T00:00:00.000Z';
            skewed.add(ev.uuid);
          }
        }
        return a;
      }),
    );
    expect((await runIncrementalSync(app.deps)).fatal).toBeUndefined();
    expect(skewed.size).toBe(1);
    h.okta.state.addToGroup(sup, second.id); // no lastUpdated change: only the log tells
    const out = await runIncrementalSync(app.deps);
    expect(out.fatal).toBeUndefined();
    expect(wfmUser(h, second.id)).toMatchObject({ roles: [{ value: 'supervisor', primary: true }] });
    expect(JSON.parse((await rawCursor(h)) ?? '{}')).not.toMatchObject({ logSince: expect.stringMatching(/^2098/) });
  });
});

describe('a group assigned to the app or unassigned from it, logged as group.application_assignment.* only', () => {
  let e: Env | undefined;
  afterEach(async () => stop(e));

  it('its members are created by the next incremental run; unassigned, they are handed to off-boarding', async () => {
    e = await start(13);
    const { h, app, proxy } = e;
    const g = h.okta.state.createGroup('Late Joiners');
    const members = h.okta.state.users().filter((u) => u.status === 'ACTIVE' && !h.okta.state.appUser(h.okta.appId, u.id)).slice(0, 2);
    if (members.length < 2) throw new Error('no unassigned users');
    for (const m of members) h.okta.state.addToGroup(g.id, m.id);
    expect((await runIncrementalSync(app.deps)).fatal).toBeUndefined(); // the memberships are read: out of scope then
    h.okta.state.assignGroupToApp(h.okta.appId, g.id);
    // An implementation that logs the assignment of the group (group.application_assignment.add,
    // in Okta's event catalog) and not one application.user_membership.add per member.
    proxy.rewrites.push(onLogs((evs, a) => ({ ...a, body: evs.filter((ev) => !ev.eventType.startsWith('application.user_membership.')) })));
    const out = await runIncrementalSync(app.deps);
    expect(out.fatal).toBeUndefined();
    for (const m of members) expect(wfmUser(h, m.id)).toBeDefined();

    h.okta.state.unassignGroupFromApp(h.okta.appId, g.id);
    const removed = await runIncrementalSync(app.deps);
    expect(removed.fatal).toBeUndefined();
    expect(app.offboards).toEqual([['left scope in Okta (incremental sync)', expect.arrayContaining(members.map((m) => m.id))]]);
  });
});

describe('app membership events naming the user only through an AppUser target', () => {
  let e: Env | undefined;
  afterEach(async () => stop(e));

  it('an AppUser target whose id is the user id (as the API gives AppUser.id) and whose alternateId is the app username', async () => {
    e = await start(17);
    const { h, app, proxy } = e;
    const outsider = h.okta.state.users().find((u) => u.status === 'ACTIVE' && !h.okta.state.appUser(h.okta.appId, u.id));
    if (!outsider) throw new Error('no outsider');
    h.okta.state.assignUserToApp(h.okta.appId, outsider.id); // moves no lastUpdated: only the log tells
    proxy.rewrites.push(
      onLogs((evs, a) => {
        for (const ev of evs) {
          if (!ev.eventType.startsWith('application.user_membership.')) continue;
          const user = (ev.target ?? []).find((t) => t.type === 'User');
          ev.target = (ev.target ?? []).filter((t) => t.type !== 'User').map((t) => (t.type === 'AppUser' && user ? { ...t, id: user.id, alternateId: 'jdoe-app-username' } : t));
        }
        return a;
      }),
    );
    const out = await runIncrementalSync(app.deps);
    expect(out.fatal).toBeUndefined();
    expect(wfmUser(h, outsider.id)).toBeDefined();
  });
});
