import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import type { ExportRow } from '../../worker/commands/export';
import { Redis } from 'ioredis';
import { createRunHistory, KEPT_ENTRIES } from '../../store/run-history';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness';

/** The README with its line breaks undone: its "Troubleshooting" quotes what the tool prints. */
const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8').replace(/\s+/g, ' ');

describe('export, and the one line a person sees when something fails', () => {
  let h: Harness;
  let users: { id: string; login: string }[];
  const seed = (userName: string, extra: Record<string, unknown> = {}): string =>
    String(h.wfm.state.seedUser({ userName, name: { givenName: 'Wfm', familyName: 'Only' }, emails: [{ value: userName, type: 'work' }], active: true, ...extra }).id);

  beforeAll(async () => {
    h = await startHarness({ users: 20, seed: 3 });
    users = inScopeUsers(h.okta.state, h.okta.appId).map((u) => ({ id: u.id, login: u.login }));
    seed('wfm.admin@example.com');
    seed('hr.number@example.com', { externalId: 'EMP-4711' });
    // Linked to an Okta id that is not this login's: the full run reports a conflict for a human.
    seed('taken@example.com', { externalId: '00uzzzzzzzzzzzzzzzzz' });
    const taken = h.okta.state.createUser({ profile: { login: 'taken@example.com', email: 'taken@example.com', firstName: 'Tak', lastName: 'En' }, status: 'ACTIVE' });
    h.okta.state.assignUserToApp(h.okta.appId, taken.id);
    expect((await h.cli(['sync', '--once'])).code).toBe(1);
    seed('copy@example.com', { externalId: users[0]?.id });
    h.wfm.state.setActive(String(h.wfm.state.all().find((u) => u.externalId === users[1]?.id)?.id), false);
    h.wfm.requests.length = 0;
  });
  afterAll(() => h.close());

  it('export --json gives every WFM user with its link state, role and active flag', async () => {
    const { code, out } = await h.cli(['export', '--json']);
    expect(code).toBe(0);
    const rows = JSON.parse(out.at(-1) ?? '[]') as ExportRow[];
    expect(rows).toHaveLength(users.length + 4);
    const by = (name: string | undefined) => rows.find((r) => r.userName === name);
    expect(by('wfm.admin@example.com')).toMatchObject({ link: 'unmanaged', oktaId: '', role: 'agent', active: true });
    expect(by('hr.number@example.com')).toMatchObject({ link: 'unmanaged', oktaId: '', externalId: 'EMP-4711' });
    expect(by('taken@example.com')).toMatchObject({ link: 'conflict' });
    expect(by('copy@example.com')).toMatchObject({ link: 'conflict', oktaId: users[0]?.id });
    expect(by(users[0]?.login)).toMatchObject({ link: 'conflict' });
    expect(by(users[1]?.login)).toMatchObject({ link: 'managed', active: false, oktaId: users[1]?.id });
    expect(rows.filter((r) => r.link === 'managed')).toHaveLength(users.length - 1);
    expect(new Set(rows.map((r) => r.role))).toEqual(new Set(['agent', 'supervisor']));
    expect(countRequests(h.wfm.requests, { method: ['POST', 'PUT'] })).toBe(0);
  });

  it('export --csv and the table', async () => {
    const csv = (await h.cli(['export', '--csv'])).out;
    expect(csv[0]).toBe('wfmId,userName,displayName,email,role,active,link,oktaId,externalId');
    expect(csv).toHaveLength(users.length + 5);
    expect(csv.find((l) => l.includes(',hr.number@example.com,'))).toMatch(/,agent,true,unmanaged,,EMP-4711$/);
    const table = (await h.cli(['export'])).out;
    expect(table[0]).toMatch(/^USERNAME\s+DISPLAY NAME\s+ROLE\s+ACTIVE\s+LINK\s+OKTA ID$/);
    expect(table.at(-1)).toMatch(new RegExp(`^${users.length + 4} WFM users: ${users.length - 1} managed, \\d+ unmanaged|conflict`));
    expect(table.at(-1)).toContain('3 conflict');
    expect(table.at(-1)).toContain('1 inactive');
    expect(table.every((l) => l.length <= 100)).toBe(true);
    expect((await h.cli(['export', '--csv', '--json'])).code).toBe(2);
  });

  it('an error no command expects is one line with what to do next; the stack only at LOG_LEVEL=debug', async () => {
    const login = users[2]?.login ?? '?';
    const plain = await h.cli(['explain', login], { WFM_SCIM_TOKEN: 'wrong-token' });
    expect(plain.code).toBe(1);
    expect(plain.err).toHaveLength(1);
    expect(plain.err[0]).toMatch(/^okta-wfm-sync: WFM SCIM GET \/Users answered 401.*; check WFM_SCIM_TOKEN \(the WFM may have rotated or revoked it\)$/);
    const debug = await h.cli(['explain', login], { WFM_SCIM_TOKEN: 'wrong-token', LOG_LEVEL: 'debug' });
    expect(debug.err[0]).toMatch(/^okta-wfm-sync: WFM SCIM GET \/Users answered 401/);
    expect(debug.err[1]).toMatch(/^SyncError: .*\n\s+at /);
    expect(README).toContain(plain.err[0]?.replace(/^okta-wfm-sync: /, '`'));
  });

  it('a run stopped by a refused credential says which setting to check', async () => {
    const { code, out } = await h.cli(['sync', '--once'], { OKTA_API_TOKEN: 'wrong-token' });
    expect(code).toBe(1);
    const stopped = out.join('\n').split('\n').find((l) => l.includes('stopped:')) ?? '';
    expect(stopped).toMatch(/^ {2}stopped: Okta .* answered 401 E0000011: Invalid token provided; check OKTA_API_TOKEN \(or the service app/);
    expect(README).toContain(`\`${stopped.replace(/^ {2}stopped: /, '')}\``);
  });

  it('export says so when the last full sync had more conflicts than its stored report keeps', async () => {
    const redis = new Redis(REDIS_URL);
    try {
      const history = createRunHistory(redis, h.prefix);
      const [last] = await history.list(1);
      if (!last) throw new Error('no run recorded');
      const conflicts = Array.from({ length: KEPT_ENTRIES + 5 }, (_, i) => ({ oktaId: `00c${i}`, userName: `c${i}@example.com`, candidates: ['w1'], reason: 'several' }));
      await history.save({ ...last, runId: 'full-sync-many-conflicts', kind: 'full-sync', conflicts });
      const { code, err } = await h.cli(['export', '--json']);
      expect(code).toBe(0);
      expect(err.join('\n')).toContain(`the last full sync found ${KEPT_ENTRIES + 5} conflicts and its stored report keeps the first ${KEPT_ENTRIES}`);
    } finally {
      await redis.quit();
    }
  });
});
