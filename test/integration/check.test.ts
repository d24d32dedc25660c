import { Redis } from 'ioredis';
import { countRequests } from '../../sandbox/wfm/server';
import type { CheckResult } from '../../worker/commands/check';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness';
import { startRealScim } from '../helpers/real-scim';
import { scimUser } from '../helpers/scim-server';

type CheckReport = { checks: CheckResult[]; ok: boolean };

const WRONG = { scim: 'wrong-scim-token-4711', secret: 'wrong-key-secret-4711' };

/** `okta-wfm-sync check`: the preflight an admin runs after configuring, before the first sync. */
describe('okta-wfm-sync check', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ users: 20, seed: 4 });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.wfm.requests.length = 0;
    h.okta.requests.length = 0;
  });

  const check = async (extraEnv: Record<string, string> = {}) => {
    const res = await h.cli(['check', '--json'], extraEnv);
    const report = JSON.parse(res.out.at(-1) ?? '{}') as CheckReport;
    const by = (name: string): CheckResult | undefined => report.checks.find((c) => c.name === name);
    const failed = report.checks.filter((c) => !c.ok).map((c) => c.name);
    return { ...res, report, by, failed };
  };
  /** No secret of the configuration, right or wrong, in anything printed. */
  const expectNoSecrets = (lines: readonly string[]): void => {
    const text = lines.join('\n');
    for (const secret of [h.okta.token, h.wfm.scimToken, h.wfm.accessKeySecret, WRONG.scim, WRONG.secret]) expect(text).not.toContain(secret);
  };

  it('passes every check on a configured sandbox, exit 0, and writes nothing anywhere', async () => {
    const { code, out, err } = await h.cli(['check']);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toEqual([
      expect.stringMatching(/^ok {4}redis {7}answers PING at redis:\/\//),
      `ok    okta        app ${h.okta.appId} answers (app users listed)`,
      'ok    okta-groups found "WFM Supervisors"',
      'ok    okta-log    the System Log answers (incremental runs read it)',
      expect.stringMatching(/^ok {4}wfm-scim {4}GET \/Users answers \(\d+ users?\)$/),
      "ok    wfm-schema  the WFM's schema lists every mapped attribute (8)",
      'ok    wfm-listing not checked (the WFM lists no users yet)',
      'ok    wfm-api     access key accepted (access token issued)',
      expect.stringMatching(/^ok {4}http {8}the worker's HTTP server would listen at 127\.0\.0\.1:\d+, on loopback only, without credentials$/),
      'all checks passed',
    ]);
    expectNoSecrets(out);
    // The WFM: a listing page of one user, one of a few to compare with GET, and one token; no SCIM write, no deactivate or revive.
    expect(countRequests(h.wfm.requests, { api: 'scim', method: ['POST', 'PUT', 'PATCH', 'DELETE'] })).toBe(0);
    expect(countRequests(h.wfm.requests, { pathPrefix: '/user-management/' })).toBe(0);
    expect(h.wfm.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /scim/v2/Schemas', 'GET /scim/v2/Users', 'GET /scim/v2/Users', 'POST /authentication/v1/token/access-key']);
    expect(h.wfm.requests.filter((r) => r.path === '/scim/v2/Users').map((r) => new URLSearchParams(r.query).get('count')).sort()).toEqual(['1', '5']);
    // Okta: reads only, one page of one app user, and the supervisor group looked up by name.
    expect(h.okta.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(h.okta.requests.filter((r) => r.path.startsWith('/api/v1/apps/')).map((r) => [r.path, r.query.limit])).toEqual([[`/api/v1/apps/${h.okta.appId}/users`, '1']]);
    expect(h.okta.requests.filter((r) => r.path === '/api/v1/groups')).not.toHaveLength(0);
    // Redis: nothing kept under the prefix (the group id cache included).
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.keys(`${h.prefix}:*`)).toEqual([]);
    } finally {
      await redis.quit();
    }
  });

  it('--json prints one object with every check and the overall result', async () => {
    const { code, out, report } = await check();
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual(['redis', 'okta', 'okta-groups', 'okta-log', 'wfm-scim', 'wfm-schema', 'wfm-listing', 'wfm-api', 'http']);
    for (const c of report.checks) expect(c).toEqual({ name: c.name, ok: true, detail: expect.any(String) as unknown });
  });

  it('a wrong WFM_SCIM_TOKEN fails wfm-scim alone, with the client\'s message, exit 1', async () => {
    const { code, report, by, failed, out } = await check({ WFM_SCIM_TOKEN: WRONG.scim });
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(failed).toEqual(['wfm-scim']);
    expect(by('wfm-scim')?.detail).toMatch(/^WFM SCIM GET \/Users answered 401.*check WFM_SCIM_TOKEN/);
    expectNoSecrets(out);
    const human = await h.cli(['check'], { WFM_SCIM_TOKEN: WRONG.scim });
    expect(human.code).toBe(1);
    expect(human.out.find((l) => l.startsWith('FAIL'))).toMatch(/^FAIL {2}wfm-scim {4}WFM SCIM GET \/Users answered 401/);
    expect(human.out.find((l) => l.includes('wfm-schema'))).toMatch(/^warn {2}wfm-schema {2}GET \/Schemas failed \(WFM SCIM GET \/Schemas answered 401/);
    expect(human.out.find((l) => l.includes('wfm-listing'))).toMatch(/^warn {2}wfm-listing the listing could not be compared with GET \/Users\/\{id\} \(WFM SCIM GET \/Users answered 401/);
    expect(human.out.at(-1)).toBe('1 of 9 checks failed');
  });

  it("a WFM whose listing leaves out attributes GET /Users/{id} shows: wfm-listing warns, naming them and WFM_READ_BEFORE_UPDATE; with it set, ok", async () => {
    const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const seed = [1, 2].map((n) => ({ ...scimUser(`w${n}`, `user${n}@example.com`, { externalId: `00u${n}`, title: 'Team lead' }), [ENTERPRISE]: { manager: { value: 'w9' } } }));
    const zoom = await startRealScim(seed, { listOmits: ['title', `${ENTERPRISE}:manager`] });
    try {
      const warned = await check({ WFM_SCIM_URL: zoom.url });
      expect(warned.by('wfm-listing')).toEqual({
        name: 'wfm-listing',
        ok: true,
        warning: true,
        detail: `the listing leaves out title, ${ENTERPRISE.toLowerCase()}:manager, which GET /Users/{id} shows: an update merged into a listed copy would drop them; set WFM_READ_BEFORE_UPDATE=always`,
      });
      expect(zoom.seen.filter((r) => r.startsWith('GET /scim/v2/Users/'))).toEqual(['GET /scim/v2/Users/w1', 'GET /scim/v2/Users/w2']);
      const set = await check({ WFM_SCIM_URL: zoom.url, WFM_READ_BEFORE_UPDATE: 'always' });
      expect(set.by('wfm-listing')).toMatchObject({ ok: true, detail: expect.stringMatching(/every update reads its user first \(WFM_READ_BEFORE_UPDATE=always\)$/) });
      expect(set.by('wfm-listing')?.warning).toBeUndefined();
    } finally {
      await zoom.close();
    }
  });

  it('a WFM that answers its first page again at the next startIndex fails wfm-listing, naming WFM_READ_MODE=lookup; one that pages passes', async () => {
    const seed = Array.from({ length: 25 }, (_, i) => scimUser(`w${i + 1}`, `user${i + 1}@example.com`, { externalId: `00u${i + 1}` }));
    // SCIMMY Routers on Express 5 reads neither startIndex nor count: every page is its first 20 users.
    const ignoring = await startRealScim(seed, { ignoresStartIndex: true, ignoresCount: true, maxPageSize: 20 });
    const paging = await startRealScim(seed);
    try {
      const failed = await check({ WFM_SCIM_URL: ignoring.url });
      expect(failed.code).toBe(1);
      expect(failed.failed).toEqual(['wfm-listing']);
      expect(failed.by('wfm-listing')?.detail).toBe(
        'GET /Users answered startIndex=21 with its first page again (20 of the 25 users announced): it does not page by startIndex; set WFM_READ_MODE=lookup (each user is then looked up by filter; off-boarding needs the listing)',
      );
      // Five users compared, not the 20 it listed for count=5.
      expect(ignoring.seen.filter((r) => r.startsWith('GET /scim/v2/Users/'))).toHaveLength(5);
      const lookup = await check({ WFM_SCIM_URL: ignoring.url, WFM_READ_MODE: 'lookup' });
      expect(lookup.failed).toEqual([]);
      const passed = await check({ WFM_SCIM_URL: paging.url });
      expect(passed.failed).toEqual([]);
      expect(passed.by('wfm-listing')?.detail).toBe('the listing holds what GET /Users/{id} holds (5 users compared)');
    } finally {
      await Promise.all([ignoring.close(), paging.close()]);
    }
  });

  it('HTTP_HOST beyond loopback without admin credentials fails http, as the worker would refuse to start; with them, ok', async () => {
    const open = await check({ HTTP_HOST: '0.0.0.0' });
    expect(open.code).toBe(1);
    expect(open.failed).toEqual(['http']);
    expect(open.by('http')?.detail).toBe('HTTP_HOST: 0.0.0.0 is not a loopback address, so the dashboard and /api need ADMIN_TOKEN or ADMIN_USER and ADMIN_PASSWORD (or run the worker with --no-http); the worker would not start');
    const guarded = await check({ HTTP_HOST: '0.0.0.0', ADMIN_TOKEN: 'a-long-enough-admin-token-4711' });
    expect(guarded.by('http')).toEqual({ name: 'http', ok: true, detail: expect.stringMatching(/^the worker's HTTP server would listen at 0\.0\.0\.0:\d+, with the admin credentials$/) });
  });

  it('an OKTA_APP_ID Okta does not know fails okta, naming OKTA_APP_ID', async () => {
    const { code, by, failed } = await check({ OKTA_APP_ID: '0oanosuchapp00000001' });
    expect(code).toBe(1);
    expect(failed).toEqual(['okta']);
    expect(by('okta')?.detail).toMatch(/^OKTA_APP_ID: Okta has no app 0oanosuchapp00000001 /);
  });

  it('a refused OKTA_API_TOKEN fails every Okta check with the setting to check', async () => {
    const { code, by, failed } = await check({ OKTA_API_TOKEN: 'wrong-okta-token' });
    expect(code).toBe(1);
    expect(failed).toEqual(['okta', 'okta-groups', 'okta-log']);
    expect(by('okta')?.detail).toMatch(/answered 401.*check OKTA_API_TOKEN/);
    expect(by('okta')?.detail).not.toContain('wrong-okta-token');
  });

  it('a System Log Okta will not read fails okta-log (incremental runs would fail), or warns when INCREMENTAL_CRON is off', async () => {
    h.okta.setFaults({ withoutRoutes: ['/api/v1/logs'] });
    try {
      const scheduled = await check();
      expect(scheduled.failed).toEqual(['okta-log']);
      expect(scheduled.by('okta-log')?.detail).toMatch(/^Okta read the System Log answered 404 E0000007/);
      const off = await check({ INCREMENTAL_CRON: 'off' });
      expect(off.code).toBe(0);
      expect(off.by('okta-log')).toMatchObject({ ok: true, warning: true, detail: expect.stringMatching(/answered 404 .*: incremental runs \(INCREMENTAL_CRON is off\) would fail$/) as unknown });
    } finally {
      h.okta.resetFaults();
    }
  });

  it('a SUPERVISOR_GROUPS name no Okta group has fails okta-groups, naming the setting and the name', async () => {
    const { code, by, failed } = await check({ SUPERVISOR_GROUPS: 'WFM Supervisors,Night Shift Leads' });
    expect(code).toBe(1);
    expect(failed).toEqual(['okta-groups']);
    expect(by('okta-groups')?.detail).toBe('SUPERVISOR_GROUPS: Okta has no group named "Night Shift Leads"; name the group as Okta has it, or set SUPERVISOR_GROUPS=off when no group gives the supervisor role');
  });

  it('with OKTA_GROUPS, okta names the scope groups found; one Okta does not have fails naming OKTA_GROUPS', async () => {
    const found = await check({ OKTA_APP_ID: '', OKTA_GROUPS: 'WFM Agents,WFM Supervisors' });
    expect(found.code).toBe(0);
    expect(found.by('okta')?.detail).toBe('OKTA_GROUPS "WFM Agents", "WFM Supervisors" answer (members listed)');
    const members = h.okta.requests.filter((r) => /^\/api\/v1\/groups\/[^/]+\/users$/.test(r.path));
    expect(members.map((r) => r.query.limit)).toEqual(['1', '1']);
    const missing = await check({ OKTA_APP_ID: '', OKTA_GROUPS: 'WFM Agents,Weekend Crew' });
    expect(missing.failed).toEqual(['okta']);
    expect(missing.by('okta')?.detail).toBe('OKTA_GROUPS: Okta has no group named "Weekend Crew"');
  });

  it('a wrong WFM_ACCESS_KEY_SECRET fails wfm-api with the settings to check', async () => {
    const { code, by, failed, out } = await check({ WFM_ACCESS_KEY_SECRET: WRONG.secret });
    expect(code).toBe(1);
    expect(failed).toEqual(['wfm-api']);
    expect(by('wfm-api')?.detail).toMatch(/^WFM API refused the access key .*check WFM_ACCESS_KEY_ID and WFM_ACCESS_KEY_SECRET$/);
    expectNoSecrets(out);
  });

  it('a mapped attribute the WFM tenant has not enabled (absent from its /Schemas) is a warning: exit 0, naming it', async () => {
    h.wfm.config.disabledAttributes = ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', 'roles'];
    try {
      const { code, out } = await h.cli(['check']);
      expect(code).toBe(0);
      expect(out.find((l) => l.includes('wfm-schema'))).toBe(
        "warn  wfm-schema  the WFM's schema does not list enterprise.department, roles.primary: the WFM would most likely drop or refuse them; enable enterprise.department in the WFM tenant, or remove its rule from the mapping; roles.primary is the role the sync sets: enable roles in the WFM tenant",
      );
      expect(out.at(-1)).toBe('all checks passed');
      const { report, by } = await check();
      expect(report.ok).toBe(true);
      expect(by('wfm-schema')).toMatchObject({ ok: true, warning: true });
    } finally {
      h.wfm.config.disabledAttributes = [];
    }
  });

  it('with WFM_READ_MODE=lookup, wfm-scim looks up one userName no user has, and wfm-api warns that off-boarding is off', async () => {
    const { code, by } = await check({ WFM_READ_MODE: 'lookup' });
    expect(code).toBe(0);
    expect(by('wfm-scim')?.detail).toContain('lookup');
    expect(by('wfm-api')).toMatchObject({ ok: true, warning: true, detail: expect.stringMatching(/^access key accepted \(access token issued\), but off-boarding is off: it needs the WFM user listing/) });
    const scim = h.wfm.requests.filter((r) => r.path === '/scim/v2/Users');
    expect(scim).toHaveLength(1);
    expect(new URLSearchParams(scim[0]?.query).get('filter')).toBe('userName eq "okta-wfm-sync-check"');
  });

  it('no Redis at REDIS_URL fails redis alone, and the other checks still answer', async () => {
    const { code, by, failed } = await check({ REDIS_URL: 'redis://:hidden-pw@127.0.0.1:1', OKTA_TIMEOUT_MS: '1000', WFM_TIMEOUT_MS: '1000' });
    expect(code).toBe(1);
    expect(failed).toEqual(['redis']);
    expect(by('redis')?.detail).toBe('no answer to PING at REDIS_URL (redis://***@127.0.0.1:1)');
  }, 15000);

  it('a Redis that refuses the credentials in REDIS_URL is named as such, in check and at start-up, not as absent', async () => {
    const wrong = { REDIS_URL: 'redis://nobody-here:wrong-password-4711@127.0.0.1:6379' };
    const { code, by } = await check(wrong);
    expect(code).toBe(1);
    expect(by('redis')?.detail).toBe('Redis at REDIS_URL (redis://***@127.0.0.1:6379) refused the user name or password in REDIS_URL (WRONGPASS)');
    const status = await h.cli(['status'], wrong);
    expect(status.code).toBe(1);
    expect(status.err).toEqual(['okta-wfm-sync: Redis at REDIS_URL (redis://***@127.0.0.1:6379) refused the user name or password in REDIS_URL (WRONGPASS).']);
    expect([...status.err, ...(by('redis')?.detail ?? '')].join('')).not.toContain('wrong-password-4711');
  });

  it('a service URL nothing answers at names the URL and its setting', async () => {
    const { code, by } = await check({ WFM_SCIM_URL: 'http://127.0.0.1:1/scim/v2', OKTA_ORG_URL: 'http://127.0.0.1:1', WFM_API_URL: 'http://127.0.0.1:1' });
    expect(code).toBe(1);
    expect(by('wfm-scim')?.detail).toContain('ECONNREFUSED: nothing answers at http://127.0.0.1:1; check WFM_SCIM_URL');
    expect(by('okta')?.detail).toContain('ECONNREFUSED: nothing answers at http://127.0.0.1:1; check OKTA_ORG_URL');
    expect(by('wfm-api')?.detail).toContain('ECONNREFUSED: nothing answers at http://127.0.0.1:1; check WFM_API_URL');
  });

  it('a REDIS_URL database Redis does not have fails redis, where the sync would go on in database 0', async () => {
    const { code, by } = await check({ REDIS_URL: 'redis://127.0.0.1:6379/99' });
    expect(code).toBe(1);
    expect(by('redis')?.detail).toBe('Redis at REDIS_URL (redis://127.0.0.1:6379/99) has no database of the number at the end of REDIS_URL (DB index is out of range)');
    const notANumber = await h.cli(['check'], { REDIS_URL: 'redis://127.0.0.1:6379/abc' });
    expect(notANumber.code).toBe(2);
    expect(notANumber.err.join('\n')).toContain('REDIS_URL: must end at the host and port, or at a database number (redis://host:6379/0)');
  });

  it('a misspelled setting is told on stderr with the one meant, and the checks run', async () => {
    const { code, err } = await h.cli(['check'], { DEACTIVATION_MAX_PERCNT: '50' });
    expect(code).toBe(0);
    expect(err).toEqual(['okta-wfm-sync: warning: DEACTIVATION_MAX_PERCNT is not a setting of okta-wfm-sync, and is ignored (did you mean DEACTIVATION_MAX_PERCENT?)']);
  });

  it('a setting that cannot work is refused at start-up, naming it, before any check', async () => {
    const { code, out, err } = await h.cli(['check'], { WFM_READ_MODE: 'sometimes' });
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('\n')).toContain('WFM_READ_MODE');
    expect(h.wfm.requests).toEqual([]);
    expect(h.okta.requests).toEqual([]);
  });

  it('check --help prints its usage and exits 0', async () => {
    const { code, out } = await h.cli(['check', '--help']);
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('Usage: okta-wfm-sync check ');
  });
});
