// Off-boarding and re-hire against the sandbox Okta and SCIM, with the user-management API of
// another make of WFM: answers lost on the way back, answers it cannot read, per-batch refusals.
import type { AuditEntry } from '../../store/audit';
import { startHarness, type Harness } from '../helpers/harness';
import { activeOf, userTaker, wfmIdOf } from '../helpers/offboard';
import { DEACTIVATE_PATH, startUserApiServer, type Answer, type UserApiServer } from '../helpers/user-api-server';

const REVIVES = /\/revive$/;

describe('off-boarding and re-hire with another make of user-management API', () => {
  let h: Harness;
  let api: UserApiServer;
  /** Takes n ACTIVE in-scope users no other test has touched. */
  const take = userTaker(() => h);
  /** The guard is not under test here: every leaver may go. */
  const env = { WFM_API_URL: '', WFM_TIMEOUT_MS: '1000', WFM_MAX_RETRIES: '2', DEACTIVATION_MAX_PERCENT: '100', DEACTIVATION_MAX_COUNT: '1000' };
  const run = (args: string[], extra: Record<string, string> = {}) => h.cli([...args, '--json'], { ...env, WFM_API_URL: api.url, ...extra });
  const offboard = (extra: Record<string, string> = {}) => run(['offboard', '--once'], extra);
  const sync = () => run(['sync', '--once']);
  const audit = async (runId: string | undefined): Promise<AuditEntry[]> => {
    const { out } = await h.cli(['audit', '--json']);
    return (JSON.parse(out[out.length - 1] ?? '[]') as AuditEntry[]).filter((e) => e.runId === runId);
  };
  /** Applies a deactivation to the WFM the way the SCIM side then shows it. */
  const deactivateInWfm = (ids: readonly string[]): void => {
    for (const id of ids) h.wfm.state.setActive(id, false);
  };

  beforeAll(async () => {
    h = await startHarness({ users: 40, seed: 33 });
    api = await startUserApiServer();
    const { code } = await h.cli(['sync', '--once']);
    expect(code).toBe(0);
  });
  afterAll(async () => {
    await api.close();
    await h.close();
  });
  beforeEach(() => {
    api.seen.length = 0;
  });

  it('a deactivate applied but unanswered is sent again; users the retry lists as not deleted but the WFM reads inactive are done', async () => {
    const leavers = take(2);
    for (const id of leavers) h.okta.state.setStatus(id, 'SUSPENDED');
    let n = 0;
    api.routes.deactivate = (ids): Answer => {
      n += 1;
      const already = ids.filter((id) => h.wfm.state.get(id)?.active === false);
      deactivateInWfm(ids);
      // The first answer is lost; the retry finds them inactive and says it could not deactivate them.
      return n === 1 ? { status: 200, hang: true } : { status: 200, body: { notDeletedUserIds: already } };
    };
    const { code, report } = await offboard();
    expect(report).toMatchObject({ applied: { deactivate: 2 }, failed: [] });
    expect(code).toBe(0);
    expect(api.count(DEACTIVATE_PATH)).toBe(2);
    expect(leavers.map((id) => activeOf(h, id))).toEqual([false, false]);
    expect((await audit(report?.runId)).map((e) => [e.outcome, e.note])).toEqual([
      ['applied', 'listed in notDeletedUserIds, but the WFM reads it inactive'],
      ['applied', 'listed in notDeletedUserIds, but the WFM reads it inactive'],
    ]);
  });

  it('a success answer it cannot read: the users the WFM reads inactive are done, the others fail with the reason', async () => {
    const [applied, refused] = take(2) as [string, string];
    h.okta.state.setStatus(applied, 'SUSPENDED');
    h.okta.state.setStatus(refused, 'SUSPENDED');
    api.routes.deactivate = (): Answer => {
      deactivateInWfm([wfmIdOf(h, applied)]);
      return { status: 200, body: { notDeletedUserIds: 'see the admin console' } };
    };
    const { code, report } = await offboard();
    expect(code).toBe(1);
    expect(report?.applied.deactivate).toBe(1);
    expect(report?.failed).toEqual([
      expect.objectContaining({ oktaId: refused, action: 'deactivate', error: expect.stringContaining('not understood') }),
    ]);
    expect([activeOf(h, applied), activeOf(h, refused)]).toEqual([false, true]);
    api.routes.deactivate = (ids): Answer => {
      deactivateInWfm(ids);
      return { status: 204 };
    };
    expect((await offboard()).report).toMatchObject({ applied: { deactivate: 1 }, failed: [] });
  });

  it('an answer that lists nothing (no notDeletedUserIds): each user is read back, done only when the WFM reads it inactive', async () => {
    const [applied, notApplied] = take(2) as [string, string];
    h.okta.state.setStatus(applied, 'SUSPENDED');
    h.okta.state.setStatus(notApplied, 'SUSPENDED');
    api.routes.deactivate = (): Answer => {
      deactivateInWfm([wfmIdOf(h, applied)]);
      return { status: 200, body: { result: 'accepted' } };
    };
    const { code, report } = await offboard();
    expect(code).toBe(1);
    expect(report?.applied.deactivate).toBe(1);
    expect(report?.failed).toEqual([expect.objectContaining({ oktaId: notApplied, error: expect.stringContaining('did not list the users it could not deactivate') })]);
    expect((await audit(report?.runId)).find((e) => e.oktaId === applied)?.note).toMatch(/listed no ids.*reads the user inactive/);
    api.routes.deactivate = (ids): Answer => {
      deactivateInWfm(ids);
      return { status: 200, body: { notDeletedUserIds: [] } };
    };
    expect((await offboard()).report).toMatchObject({ applied: { deactivate: 1 }, failed: [] });
  });

  it('an id listed as not deleted in another case is that user: read back, and failed while the WFM reads it active', async () => {
    const [refused, ok] = take(2) as [string, string];
    h.okta.state.setStatus(refused, 'SUSPENDED');
    h.okta.state.setStatus(ok, 'SUSPENDED');
    api.routes.deactivate = (ids): Answer => {
      deactivateInWfm(ids.filter((id) => id !== wfmIdOf(h, refused)));
      return { status: 200, body: { notDeletedUserIds: [wfmIdOf(h, refused).toUpperCase()] } };
    };
    const { report } = await offboard();
    expect(report?.applied.deactivate).toBe(1);
    expect(report?.failed).toEqual([expect.objectContaining({ oktaId: refused, error: 'the WFM did not deactivate this user (listed in notDeletedUserIds)' })]);
    expect([activeOf(h, refused), activeOf(h, ok)]).toEqual([true, false]);
    api.routes.deactivate = (ids): Answer => {
      deactivateInWfm(ids);
      return { status: 204 };
    };
    expect((await offboard()).report).toMatchObject({ applied: { deactivate: 1 }, failed: [] });
  });

  it('a deactivate never answered: a user the WFM reads inactive is done, the other fails with the timeout', async () => {
    const [applied, notApplied] = take(2) as [string, string];
    h.okta.state.setStatus(applied, 'SUSPENDED');
    h.okta.state.setStatus(notApplied, 'SUSPENDED');
    api.routes.deactivate = (): Answer => {
      deactivateInWfm([wfmIdOf(h, applied)]);
      return { status: 200, hang: true };
    };
    const { code, report } = await offboard({ WFM_MAX_RETRIES: '1' });
    expect(code).toBe(1);
    expect(api.count(DEACTIVATE_PATH)).toBe(2);
    expect(report?.applied.deactivate).toBe(1);
    expect(report?.failed).toEqual([expect.objectContaining({ oktaId: notApplied, error: expect.stringContaining('no answer within 1000 ms') })]);
    api.routes.deactivate = (ids): Answer => {
      deactivateInWfm(ids);
      return { status: 204 };
    };
    expect((await offboard()).report).toMatchObject({ applied: { deactivate: 1 }, failed: [] });
  });

  it('batches at WFM_DEACTIVATE_BATCH; a batch answered 400 is sent again in halves, so only the user the WFM refuses fails, with the details', async () => {
    const leavers = take(5);
    for (const id of leavers) h.okta.state.setStatus(id, 'DEPROVISIONED');
    const locked = wfmIdOf(h, leavers[2] ?? '');
    const sizes: number[] = [];
    api.routes.deactivate = (ids): Answer => {
      sizes.push(ids.length);
      if (ids.includes(locked)) return { status: 400, body: { code: 'INVALID_REQUEST', details: 'User is locked by an open schedule', errors: [{ field: 'userIds', message: 'locked' }] } };
      deactivateInWfm(ids);
      return { status: 200, body: { notDeletedUserIds: [] } };
    };
    const { code, report } = await offboard({ WFM_DEACTIVATE_BATCH: '2' });
    expect(code).toBe(1);
    expect(sizes).toEqual([2, 2, 1, 1, 1]);
    expect(report?.applied.deactivate).toBe(4);
    expect(report?.failed).toEqual([
      expect.objectContaining({
        oktaId: leavers[2],
        error: 'deactivate call failed: WFM API POST /user-management/v1/users/deactivate answered 400: User is locked by an open schedule',
      }),
    ]);
    expect(leavers.filter((id) => activeOf(h, id) === true)).toEqual([leavers[2]]);

    // The retry: the WFM also lists an id it was not sent, which is shown and changes nothing.
    api.routes.deactivate = (ids): Answer => {
      deactivateInWfm(ids);
      return { status: 200, body: { notDeletedUserIds: ['not-sent-1'] } };
    };
    // The log goes to the process's stderr, caught here.
    const logged: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      logged.push(String(chunk));
      return true;
    });
    const retry = await offboard({ WFM_DEACTIVATE_BATCH: '2', LOG_LEVEL: 'warn' }).finally(() => write.mockRestore());
    expect(retry.report).toMatchObject({ applied: { deactivate: 1 }, failed: [] });
    expect(logged.filter((l) => l.includes('the WFM listed ids the deactivate call did not send')).join('\n')).toContain('not-sent-1');
  });

  it('a revive applied but unanswered, then 409 "already active" on the retry, is a done re-hire; the next runs neither flap nor re-create', async () => {
    const [rehired] = take(1) as [string];
    const wfmId = wfmIdOf(h, rehired);
    h.wfm.state.setActive(wfmId, false);
    let n = 0;
    api.routes.revive = (id): Answer => {
      n += 1;
      h.wfm.state.setActive(id, true);
      return n === 1 ? { status: 200, hang: true } : { status: 409, body: { status: 409, error: 'Conflict', message: 'User is already active' } };
    };
    const { code, report } = await sync();
    expect(report).toMatchObject({ applied: { reactivate: 1 }, failed: [] });
    expect(code).toBe(0);
    expect(api.count(REVIVES)).toBe(2);
    expect(activeOf(h, rehired)).toBe(true);

    api.seen.length = 0;
    const again = await sync();
    expect(again.report?.planned).toMatchObject({ create: 0, update: 0, reactivate: 0 });
    expect((await offboard()).report?.planned.deactivate).toBe(0);
    expect(api.seen).toEqual([]);
  });

  it('a revive answered 404 fails that user with the reason; the other re-hire goes on', async () => {
    const [gone, back] = take(2) as [string, string];
    const goneId = wfmIdOf(h, gone);
    for (const id of [gone, back]) h.wfm.state.setActive(wfmIdOf(h, id), false);
    api.routes.revive = (id): Answer => {
      if (id === goneId) return { status: 404, body: { status: 404, error: 'Not Found', message: `User ${id} not found` } };
      h.wfm.state.setActive(id, true);
      return { status: 204 };
    };
    const { code, report } = await sync();
    expect(code).toBe(1);
    expect(report?.applied.reactivate).toBe(1);
    expect(report?.failed).toEqual([expect.objectContaining({ oktaId: gone, action: 'reactivate', error: expect.stringContaining(`answered 404: User ${goneId} not found`) })]);
    expect([activeOf(h, gone), activeOf(h, back)]).toEqual([false, true]);
  });

  it('a revive answered as done while the WFM still reads the user inactive: that user fails, and no PUT brings it back', async () => {
    const [stuck] = take(1) as [string];
    const stuckId = wfmIdOf(h, stuck);
    h.wfm.state.setActive(stuckId, false);
    api.routes.revive = (): Answer => ({ status: 204 });
    h.wfm.requests.length = 0;
    const { code, report } = await sync();
    expect(code).toBe(1);
    expect(report?.failed).toEqual(expect.arrayContaining([expect.objectContaining({ oktaId: stuck, action: 'reactivate', error: expect.stringContaining('still reads inactive after its revive call') })]));
    expect(activeOf(h, stuck)).toBe(false);
    expect(h.wfm.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(stuckId))).toEqual([]);
    api.routes.revive = (id): Answer => {
      h.wfm.state.setActive(id, true);
      return { status: 204 };
    };
    expect((await sync()).report).toMatchObject({ failed: [] });
    expect(activeOf(h, stuck)).toBe(true);
  });
});
