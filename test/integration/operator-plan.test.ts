import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import type { AuditEntry } from '../../store/audit';
import { startHarness, type Harness } from '../helpers/harness';

const writes = (h: Harness): number => countRequests(h.wfm.requests, { method: ['POST', 'PUT'] });
type PlanJson = {
  planned: Record<string, number>;
  changedBy: Record<string, number>;
  actions: { type: string; userName: string; oktaId: string; role?: string; changes?: { path: string; from?: string; to?: string; side: string }[] }[];
};

describe('plan and explain: what the next run would do, writing nothing', () => {
  let h: Harness;
  let users: { id: string; login: string }[];
  const wfmIdOf = (oktaId: string): string => String(h.wfm.state.all().find((u) => u.externalId === oktaId)?.id);
  const auditCount = async (): Promise<number> => (JSON.parse((await h.cli(['audit', '--json', '--limit', '1000'])).out.at(-1) ?? '[]') as AuditEntry[]).length;

  beforeAll(async () => {
    h = await startHarness({ users: 30, seed: 5 });
    users = inScopeUsers(h.okta.state, h.okta.appId).map((u) => ({ id: u.id, login: u.login }));
  });
  afterAll(() => h.close());

  it('before the first sync: plan lists every create with its role, as a table, JSON and CSV', async () => {
    const text = await h.cli(['plan']);
    expect(text.code).toBe(0);
    expect(text.out[1]).toContain(`${users.length} create, 0 update`);
    expect(text.out).toContain(`create (${users.length})`);
    expect(text.out.find((l) => l.startsWith('USER'))).toMatch(/^USER\s+OKTA ID\s+ROLE$/);
    expect(text.out.some((l) => l.startsWith(users[0]?.login ?? '?'))).toBe(true);
    expect(text.out.every((l) => l.length <= 100)).toBe(true);

    const json = JSON.parse((await h.cli(['plan', '--json'])).out.at(-1) ?? '{}') as PlanJson;
    expect(json.planned.create).toBe(users.length);
    expect(json.actions.every((a) => a.type === 'create' && (a.role === 'agent' || a.role === 'supervisor'))).toBe(true);

    const csv = (await h.cli(['plan', '--csv'])).out;
    expect(csv[0]).toBe('action,userName,oktaId,wfmId,field,wfmNow,oktaWants,side,reason');
    expect(csv).toHaveLength(users.length + 1);
    expect(writes(h)).toBe(0);
    expect(await auditCount()).toBe(0);
  });

  it('after a sync, tells a change in Okta from an edit in the WFM and from both, field by field', async () => {
    expect((await h.cli(['sync', '--once'])).code).toBe(0);
    const [okta, wfm, both] = users as [{ id: string; login: string }, { id: string; login: string }, { id: string; login: string }];
    h.okta.state.updateProfile(okta.id, { lastName: 'Okta-Renamed' });
    h.wfm.state.editAttribute(wfmIdOf(wfm.id), 'displayName', 'Edited In The Console');
    h.okta.state.updateProfile(both.id, { department: 'Retention' });
    h.wfm.state.editAttribute(wfmIdOf(both.id), 'displayName', 'Also Edited');
    h.wfm.requests.length = 0;
    const auditBefore = await auditCount();

    const json = JSON.parse((await h.cli(['plan', '--json'])).out.at(-1) ?? '{}') as PlanJson;
    expect(json.changedBy).toEqual({ okta: 1, wfm: 1, both: 1, unknown: 0 });
    const sides = Object.fromEntries(json.actions.map((a) => [a.oktaId, a.changes?.map((c) => `${c.path}:${c.side}`)]));
    expect(sides).toEqual({
      [okta.id]: ['name.familyName:okta', 'displayName:okta'],
      [wfm.id]: ['displayName:wfm'],
      [both.id]: ['displayName:wfm', 'enterprise.department:okta'],
    });

    const text = (await h.cli(['plan'])).out;
    expect(text).toContain('update (3)');
    expect(text.find((l) => l.startsWith('USER') && l.includes('FIELD'))).toMatch(/^USER\s+FIELD\s+WFM NOW\s+OKTA \(NEXT\)\s+CHANGED$/);
    expect(text.find((l) => l.includes('Edited In The Con'))).toMatch(/displayName\s+Edited In The Con\S*\s+.+\s+WFM edit$/);
    expect(text.every((l) => l.length <= 100)).toBe(true);
    const csv = (await h.cli(['plan', '--csv'])).out;
    expect(csv.filter((l) => l.startsWith('update,'))).toHaveLength(5);
    expect(csv.find((l) => l.includes('Edited In The Console'))).toContain(',displayName,Edited In The Console,');

    const explained = await h.cli(['explain', wfm.login]);
    expect(explained.code).toBe(0);
    expect(explained.out[0]).toBe(`Okta      ${wfm.login}  (${wfm.id})`);
    expect(explained.out[1]).toMatch(/status ACTIVE, assigned to the app: in scope$/);
    expect(explained.out).toContain('Next run  update: 1 attribute(s) differ');
    const header = explained.out.find((l) => l.startsWith('FIELD'));
    expect(header).toMatch(/^FIELD\s+OKTA \(MAPPED\)\s+WFM NOW\s+LAST WRITTEN\s+NEXT RUN$/);
    expect(explained.out.find((l) => l.startsWith('displayName'))).toMatch(/Edited In The Con\S*\s+\S.*set \(WFM edit\)$/);
    expect(explained.out.at(-1)).toMatch(/^WFM edit: changed in the WFM since our last write/);
    expect(explained.out.find((l) => l.startsWith('userName'))).toMatch(/same$/);

    const asJson = JSON.parse((await h.cli(['explain', both.login, '--json'])).out.at(-1) ?? '{}') as { next: { action: string }; fields: { path: string; next: string }[] };
    expect(asJson.next.action).toBe('update');
    expect(asJson.fields.filter((f) => f.next === 'set')).toEqual([
      expect.objectContaining({ path: 'displayName', wfm: 'Also Edited', side: 'wfm' }),
      { path: 'enterprise.department', okta: 'Retention', wfm: 'Technical Support', lastWritten: 'Technical Support', next: 'set', side: 'okta' },
    ]);
    expect(writes(h)).toBe(0);
    expect(await auditCount()).toBe(auditBefore);
  });

  it('explain says what happens to a user out of scope, to a login taken in the WFM, and to a login Okta does not know (exit 1)', async () => {
    const gone = users[5] as { id: string; login: string };
    h.okta.state.setStatus(gone.id, 'SUSPENDED');
    const out = (await h.cli(['explain', gone.login])).out;
    expect(out[1]).toMatch(/status SUSPENDED, assigned to the app: out of scope$/);
    expect(out.find((l) => l.startsWith('Next run'))).toMatch(/^Next run {2}deactivate: SUSPENDED in Okta: off-boarding deactivates WFM user \S+ \(after OFFBOARD_GRACE=0, behind the guard\); sync leaves it alone$/);
    const renamed = users[6] as { id: string; login: string };
    h.wfm.state.seedUser({ userName: 'taken.name@example.com', name: { givenName: 'T', familyName: 'N' }, emails: [{ value: 'taken.name@example.com', type: 'work' }], active: true });
    h.okta.state.updateProfile(renamed.id, { login: 'taken.name@example.com', email: 'taken.name@example.com' });
    const clash = (await h.cli(['explain', renamed.id])).out;
    expect(clash.filter((l) => l.startsWith('WFM '))).toEqual([
      expect.stringMatching(new RegExp(`^WFM {7}${renamed.login.replace(/\./g, '\\.')} .*, linked by externalId$`)),
      expect.stringMatching(/^WFM {7}taken\.name@example\.com .*, no externalId$/),
    ]);
    expect(clash).toContain('Next run  conflict: the login changed to "taken.name@example.com", which another WFM user already holds');
    // Linked in the WFM by something else: this deployment never saw it in scope.
    const inScope = new Set(inScopeUsers(h.okta.state, h.okta.appId).map((u) => u.id));
    const stranger = h.okta.state.users().find((u) => u.status === 'ACTIVE' && !inScope.has(u.id));
    if (!stranger) throw new Error('no Okta user outside the scope');
    h.wfm.state.seedUser({ userName: stranger.profile.login, externalId: stranger.id, name: { givenName: 'O', familyName: 'A' }, emails: [{ value: stranger.profile.login, type: 'work' }], active: true });
    expect((await h.cli(['explain', stranger.id])).out.find((l) => l.startsWith('Next run'))).toMatch(/^Next run {2}none: .*but this deployment never saw it in scope, so something else linked WFM user \S+: off-boarding counts it as unmanaged and leaves it active$/);
    const unknown = await h.cli(['explain', 'nobody@example.com']);
    expect(unknown.code).toBe(1);
    expect(unknown.out[0]).toBe('Okta      no user nobody@example.com');
    expect(writes(h)).toBe(0);
  });
});
