import { ENTERPRISE_URN } from '../../config/targets';
import { inScopeUsers, type InScopeUser } from '../../sandbox/okta/oracle';
import { startHarness, type Harness } from '../helpers/harness';
import { startScimmyServer, type ScimmyOptions, type ScimmyServer } from '../helpers/scimmy-server';

/**
 * The CLI (sandbox Okta, real Redis) against a WFM built on SCIMMY and SCIMMY Routers, an independent
 * SCIM implementation: what it does with filters, paging, coercion and errors is its own, not our
 * emulation of it.
 */
type Suite = { h: Harness; wfm: ScimmyServer; inScope: InScopeUser[] };

function scimmySuite(opts: ScimmyOptions, started: (s: Suite) => void): void {
  let h: Harness | undefined;
  let wfm: ScimmyServer | undefined;
  beforeAll(async () => {
    // 40 Okta users: more in scope than the 20 SCIMMY answers when it reads no count; pages of 10.
    h = await startHarness({ users: 40, seed: 7 });
    wfm = await startScimmyServer(opts);
    Object.assign(h.env, { WFM_SCIM_URL: wfm.url, WFM_SCIM_TOKEN: wfm.token, WFM_PAGE_SIZE: '10' });
    started({ h, wfm, inScope: inScopeUsers(h.okta.state, h.okta.appId) });
  });
  afterAll(async () => {
    await wfm?.close();
    await h?.close();
  });
}

const writes = (wfm: ScimmyServer): string[] => wfm.seen.filter((r) => /^(POST|PUT|PATCH|DELETE) /.test(r));
const wfmUser = (wfm: ScimmyServer, oktaId: string) => [...wfm.users.values()].find((u) => u.externalId === oktaId);
/** The PUTs a run should make: one per Okta user, to its WFM user, answered 200. */
const putsFor = (wfm: ScimmyServer, oktaIds: string[]): string[] =>
  oktaIds.map((id) => `PUT /scim/v2/Users/${String(wfmUser(wfm, id)?.id)} 200`).sort();

async function checkReport(h: Harness, env: Record<string, string> = {}) {
  const { code, out } = await h.cli(['check', '--json'], env);
  const report = JSON.parse(out.at(-1) ?? '{}') as { checks: { name: string; ok: boolean; detail: string }[] };
  return { code, failed: report.checks.filter((c) => !c.ok), listing: report.checks.find((c) => c.name === 'wfm-listing') };
}

async function firstSyncCreatesEveryone(s: Suite): Promise<void> {
  const { code, report } = await s.h.cli(['sync', '--once', '--json']);
  expect(code).toBe(0);
  expect(report).toMatchObject({ applied: { create: s.inScope.length, update: 0 }, failed: [], conflicts: [] });
  expect(s.inScope.length).toBeGreaterThan(20);
  expect(writes(s.wfm)).toEqual(s.inScope.map(() => 'POST /scim/v2/Users 201'));
  expect(new Set([...s.wfm.users.values()].map((u) => u.externalId))).toEqual(new Set(s.inScope.map((u) => u.id)));
  // SCIMMY kept what was sent, the enterprise extension included.
  for (const { id, login } of s.inScope) {
    const profile = s.h.okta.state.getUser(id)?.profile ?? {};
    expect(wfmUser(s.wfm, id)).toMatchObject({ userName: login, name: { familyName: profile.lastName }, active: true });
    expect((wfmUser(s.wfm, id)?.[ENTERPRISE_URN] as Record<string, unknown> | undefined)?.department).toEqual(profile.department);
  }
}

async function syncWritesNothing(s: Suite, env: Record<string, string> = {}): Promise<void> {
  s.wfm.seen.length = 0;
  const { code, report } = await s.h.cli(['sync', '--once', '--json'], env);
  expect(code).toBe(0);
  expect(report).toMatchObject({ applied: { create: 0, update: 0 }, failed: [], planned: { noop: s.inScope.length } });
  expect(writes(s.wfm)).toEqual([]);
}

/** Changes three users in Okta (a last name, a department cleared, an employee number); answers their ids. */
function changeInOkta(s: Suite, from: number): string[] {
  const ids = s.inScope.slice(from, from + 3).map((u) => u.id);
  const [a, b, c] = ids as [string, string, string];
  s.h.okta.state.updateProfile(a, { lastName: `Changed${from}` });
  s.h.okta.state.updateProfile(b, { department: null });
  s.h.okta.state.updateProfile(c, { employeeNumber: `E-${from}` });
  return ids;
}

async function syncPutsExactly(s: Suite, ids: string[], args: string[], env: Record<string, string> = {}): Promise<void> {
  s.wfm.seen.length = 0;
  const { code, report } = await s.h.cli([...args, '--json'], env);
  expect(code).toBe(0);
  expect(report).toMatchObject({ applied: { create: 0, update: ids.length }, failed: [] });
  expect(writes(s.wfm).sort()).toEqual(putsFor(s.wfm, ids));
  const [a, b, c] = ids as [string, string, string];
  expect(wfmUser(s.wfm, a)?.name).toMatchObject({ familyName: s.h.okta.state.getUser(a)?.profile.lastName });
  expect((wfmUser(s.wfm, b)?.[ENTERPRISE_URN] as Record<string, unknown> | undefined)?.department).toBeUndefined();
  expect(wfmUser(s.wfm, c)?.[ENTERPRISE_URN]).toMatchObject({ employeeNumber: s.h.okta.state.getUser(c)?.profile.employeeNumber });
}

describe.each<[string, ScimmyOptions]>([
  ['SCIMMY Routers on Express 4', { express: 4 }],
  ['SCIMMY whose egress pages in its store (totalResults = the page count)', { express: 4, storePaging: true }],
])('the CLI against %s', (_name, opts) => {
  let s: Suite;
  scimmySuite(opts, (started) => (s = started));

  it('a first full sync creates everyone in scope; check passes, comparing the listing with GET /Users/{id}', async () => {
    await firstSyncCreatesEveryone(s);
    const check = await checkReport(s.h);
    expect(check.failed).toEqual([]);
    expect(check.code).toBe(0);
    expect(check.listing?.detail).toBe('the listing holds what GET /Users/{id} holds (5 users compared)');
    expect(writes(s.wfm)).toHaveLength(s.inScope.length);
  });

  it('the next full sync writes nothing, reading the listing page by page (twice when every page announces its own count)', async () => {
    await syncWritesNothing(s);
    const pages = [1, 11, 21, 31].map((start) => `GET /scim/v2/Users?startIndex=${start}&count=10 200`);
    expect(s.wfm.seen).toEqual(opts.storePaging ? [...pages, ...pages] : pages);
  });

  it('an Okta change to three users gives exactly their three PUTs, and the next sync none', async () => {
    await syncPutsExactly(s, changeInOkta(s, 0), ['sync', '--once']);
    await syncWritesNothing(s);
  });

  it('an incremental run writes only the users changed since the last', async () => {
    s.wfm.seen.length = 0;
    // The first incremental run is a full sync that starts the cursor.
    const first = await s.h.cli(['sync', '--once', '--incremental', '--json']);
    expect(first.report).toMatchObject({ kind: 'full-sync', applied: { create: 0, update: 0 }, failed: [] });
    expect(writes(s.wfm)).toEqual([]);
    await syncPutsExactly(s, changeInOkta(s, 3), ['sync', '--once', '--incremental']);
  });

  it('WFM_READ_MODE=lookup writes nothing', () => syncWritesNothing(s, { WFM_READ_MODE: 'lookup' }));
});

describe('the CLI against SCIMMY Routers on Express 5 (startIndex and count never read: every page is the first 20 users)', () => {
  let s: Suite;
  scimmySuite({ express: 5 }, (started) => (s = started));

  it('the first sync of the empty WFM creates everyone in scope', () => firstSyncCreatesEveryone(s));

  it('check then fails wfm-listing, naming the paging and WFM_READ_MODE=lookup; with lookup it passes', async () => {
    const check = await checkReport(s.h);
    expect(check.code).toBe(1);
    expect(check.failed.map((c) => c.name)).toEqual(['wfm-listing']);
    expect(check.listing?.detail).toMatch(
      new RegExp(`^GET /Users answered startIndex=21 with its first page again \\(20 of the ${s.inScope.length} users announced\\): it does not page by startIndex; set WFM_READ_MODE=lookup`),
    );
    expect((await checkReport(s.h, { WFM_READ_MODE: 'lookup' })).failed).toEqual([]);
  });

  it('a full sync stops before any write, saying the WFM does not page by startIndex', async () => {
    s.wfm.seen.length = 0;
    const { code, report } = await s.h.cli(['sync', '--once', '--json']);
    expect(code).toBe(1);
    expect(report?.error).toBe(
      `WFM SCIM listing answered startIndex=21 with its first page again (20 of the ${s.inScope.length} users announced): it does not page by startIndex; set WFM_READ_MODE=lookup (each user is then looked up by filter; off-boarding needs the listing): the listing cannot be trusted; the run stopped before any write; run again, and see "Troubleshooting" in the README if it repeats`,
    );
    expect(writes(s.wfm)).toEqual([]);
  });

  it('with WFM_READ_MODE=lookup an Okta change to three users gives exactly their PUTs, and the next sync none', async () => {
    const lookup = { WFM_READ_MODE: 'lookup' };
    await syncPutsExactly(s, changeInOkta(s, 0), ['sync', '--once'], lookup);
    await syncWritesNothing(s, lookup);
  });
});
