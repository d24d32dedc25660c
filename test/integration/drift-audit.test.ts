import { Redis } from 'ioredis';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { createAuditLog, type AuditEntry } from '../../store/audit';
import { REDIS_URL, startHarness, type Harness } from '../helpers/harness';

describe('drift: edits made in the WFM reported apart from changes in Okta, in the report and the audit', () => {
  let h: Harness;
  let redis: Redis;
  let users: { id: string; login: string }[];
  const wfmIdOf = (oktaId: string): string => String(h.wfm.state.all().find((u) => u.externalId === oktaId)?.id);
  const audit = async (...args: string[]): Promise<AuditEntry[]> => JSON.parse((await h.cli(['audit', '--json', ...args])).out.at(-1) ?? '[]') as AuditEntry[];
  const ownedKeys = (): Promise<string[]> => redis.keys(`${h.prefix}:owned:*`);

  beforeAll(async () => {
    h = await startHarness({ users: 24, seed: 9 });
    redis = new Redis(REDIS_URL);
    users = inScopeUsers(h.okta.state, h.okta.appId).map((u) => ({ id: u.id, login: u.login }));
    expect((await h.cli(['sync', '--once'])).code).toBe(0);
  });
  afterAll(async () => {
    await redis.quit();
    await h.close();
  });

  it('each write remembers the owned values it wrote; a dry run remembers nothing', async () => {
    expect(await redis.hlen(`${h.prefix}:owned:values`)).toBe(users.length);
    await redis.del(...(await ownedKeys()));
    expect((await h.cli(['sync', '--once', '--dry-run'])).code).toBe(0);
    expect(await ownedKeys()).toEqual([]);
  });

  it('a full run confirms the users it found equal, so a later console edit is known as drift', async () => {
    const { report } = await h.cli(['sync', '--once', '--json']);
    expect(report?.planned.noop).toBe(users.length);
    expect(await redis.hlen(`${h.prefix}:owned:values`)).toBe(users.length);

    const [edited, renamed] = users as [{ id: string; login: string }, { id: string; login: string }];
    h.wfm.state.editAttribute(wfmIdOf(edited.id), 'displayName', 'Edited In The Console');
    h.okta.state.updateProfile(renamed.id, { firstName: 'Renamed' });
    const { code, report: after, out } = await h.cli(['sync', '--once', '--json']);
    expect(code).toBe(0);
    expect(after?.applied.update).toBe(2);
    expect(after?.drift).toEqual({ okta: 1, wfm: 1, both: 0, unknown: 0, edited: [{ oktaId: edited.id, userName: edited.login, fields: ['displayName'] }] });
    expect(out).toHaveLength(1);

    const [entry] = await audit('--user', edited.login, '--limit', '1');
    expect(entry).toMatchObject({
      action: 'update', outcome: 'applied', side: 'wfm', runId: after?.runId,
      changes: [{ path: 'displayName', from: 'Edited In The Console', side: 'wfm' }],
    });
    const [other] = await audit('--user', renamed.id, '--limit', '1');
    expect(other).toMatchObject({ side: 'okta', changes: [{ path: 'name.givenName', to: 'Renamed', side: 'okta' }, { path: 'displayName', side: 'okta' }] });
    const summary = (await h.cli(['sync', '--once'])).out.join('\n');
    expect(summary).not.toContain('edited in the WFM:');
  });

  it('audit prints time, run, action, outcome, side, and the old and new value of each field', async () => {
    const edited = users[0] as { id: string; login: string };
    const { code, out } = await h.cli(['audit', '--user', edited.login.toUpperCase(), '--since', '1h']);
    expect(code).toBe(0);
    expect(out[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ  update applied  ${edited.login.replace(/\./g, '\\.')}  \\(edited in the WFM\\)$`));
    expect(out[1]).toMatch(/^ {2}run full-sync-\S+, WFM user \S+$/);
    expect(out[2]).toMatch(/^ {2}displayName {2}"Edited In The Console" -> "[^"]+" {2}WFM edit$/);
    expect(out[3]).toBe('  why: 1 attribute(s) differ');
    expect(out.filter((l) => /^\d{4}-/.test(l)).map((l) => l.split('  ')[1])).toEqual(['update applied', 'create applied']);
    expect(out.every((l) => l.length <= 100)).toBe(true);
  });

  it('audit --since bounds the entries by time; a bad --since is a usage error', async () => {
    expect((await audit('--since', '1h', '--limit', '1000')).length).toBe(users.length + 2);
    expect(await audit('--since', new Date(Date.now() + 60_000).toISOString())).toEqual([]);
    expect((await h.cli(['audit', '--since', '2030-01-01T00:00:00Z'])).out).toEqual(['No audit entries since 2030-01-01T00:00:00Z.']);
    const bad = await h.cli(['audit', '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.err).toEqual(['okta-wfm-sync audit: --since takes a duration such as 30m, 24h or 7d, or an ISO time; "yesterday" is neither.']);
  });

  it('never keeps the values of a secret attribute', async () => {
    await createAuditLog(redis, h.prefix).append({
      at: new Date().toISOString(), runId: 'r', action: 'update', oktaId: '00uX', userName: 'x@example.com', wfmId: 'w', outcome: 'applied',
      changes: [{ path: 'custom.agentPin', from: '1234', to: '9876' }, { path: 'title', from: 'A', to: 'B' }],
    });
    const [entry] = await audit('--user', 'x@example.com');
    expect(entry?.changes).toEqual([{ path: 'custom.agentPin', from: '(hidden)', to: '(hidden)' }, { path: 'title', from: 'A', to: 'B' }]);
  });
});
