// Off-boarding batch by batch, against both sandboxes and real Redis: each batch is re-checked just
// before its deactivate call, and a run that stops mid-way reports what it did and what it did not.
import type { Redis } from 'ioredis';
import type { AuditEntry } from '../../store/audit';
import type { Failure, RunReport } from '../../sync/report';
import type { Harness } from '../helpers/harness';
import { activeOf, deactivateCalls, offboardSuite, onDeactivateCall, userTaker } from '../helpers/offboard';

const CALL_401 = /^WFM API POST \/user-management\/v1\/users\/deactivate answered 401: .+$/;
const SCIM_401 = /^WFM SCIM GET \/Users\/\S+ answered 401: .+$/;

describe('off-boarding batch by batch', () => {
  let h: Harness;
  let redis: Redis;
  /** Takes n ACTIVE in-scope users no other test has touched. */
  const take = userTaker(() => h);
  /** The guard is not under test here, except where a test trips it on purpose. */
  const env = { WFM_DEACTIVATE_BATCH: '2', DEACTIVATION_MAX_PERCENT: '100', DEACTIVATION_MAX_COUNT: '1000' };
  const offboard = (extra: Record<string, string> = {}) => h.cli(['offboard', '--once', '--json'], { ...env, ...extra });
  const approve = (planId: string) => h.cli(['approve', planId, '--json'], env);
  const marked = async (): Promise<string[]> => Object.keys(await redis.hgetall(`${h.prefix}:offboard:out-since`)).sort();
  const audit = async (runId: string | undefined): Promise<AuditEntry[]> => {
    const { out } = await h.cli(['audit', '--json', '--limit', '1000']);
    return (JSON.parse(out[out.length - 1] ?? '[]') as AuditEntry[]).filter((e) => e.runId === runId);
  };
  const errorsOf = (failed: readonly Failure[] | undefined): Map<string, string> => new Map((failed ?? []).map((f) => [f.oktaId, f.error]));
  /** Expires the WFM access tokens as the deactivate calls from the n-th on arrive: their retry after renewal is refused too. */
  const refuseCallsFrom = (n: number) => onDeactivateCall(h, (seen) => {
    if (seen >= n) h.wfm.state.expireTokens();
  });

  offboardSuite({ users: 60, seed: 47 }, (s) => ({ h, redis } = s));

  it('re-checks each batch just before its call: users back in scope while an earlier batch was sent are left alone', async () => {
    const leavers = take(4);
    for (const id of leavers) h.okta.state.setStatus(id, 'SUSPENDED');
    // As the first batch is sent, every leaver comes back; only that batch was re-checked before.
    const restore = onDeactivateCall(h, (n) => {
      if (n === 1) for (const id of leavers) h.okta.state.setStatus(id, 'ACTIVE');
    });
    const { code, report } = await offboard().finally(restore);
    expect(code).toBe(0);
    expect(report).toMatchObject({ planned: { deactivate: 2 }, applied: { deactivate: 2 }, failed: [] });
    expect(deactivateCalls(h)).toBe(1);
    const gone = leavers.filter((id) => activeOf(h, id) === false);
    expect(gone).toHaveLength(2);
    expect((await audit(report?.runId)).map((e) => [e.oktaId, e.outcome]).sort()).toEqual(gone.map((id) => [id, 'applied']).sort());
    expect(await marked()).toEqual([]);
  });

  it('a deactivate call refused after renewal stops the run: the batches done are reported, the stopped batch fails with the reason, the rest are not attempted', async () => {
    const leavers = take(7);
    for (const id of leavers) h.okta.state.setStatus(id, 'SUSPENDED');
    const restore = refuseCallsFrom(3);
    const { code, report } = await offboard().finally(restore);
    expect(code).toBe(1);
    expect(report?.error).toMatch(/answered 401: .*; check WFM_ACCESS_KEY_ID and WFM_ACCESS_KEY_SECRET$/);
    // Calls 1 and 2 deactivated two users each; call 3 was refused, renewed, tried again and refused.
    expect(deactivateCalls(h, 200)).toBe(2);
    expect(deactivateCalls(h, 401)).toBe(2);
    const done = leavers.filter((id) => activeOf(h, id) === false);
    expect(done).toHaveLength(4);
    // The user of the last batch was never re-checked: not counted as planned.
    expect(report).toMatchObject({ planned: { deactivate: 6 }, applied: { deactivate: 4 } });

    const errors = errorsOf(report?.failed);
    expect([...errors.keys()].sort()).toEqual(leavers.filter((id) => !done.includes(id)).sort());
    const callFailed = [...errors.values()].filter((e) => e.startsWith('deactivate call failed: '));
    const notAttempted = [...errors.values()].filter((e) => e.startsWith('not attempted: '));
    expect(callFailed).toHaveLength(2);
    for (const e of callFailed) expect(e.slice('deactivate call failed: '.length)).toMatch(CALL_401);
    expect(notAttempted).toHaveLength(1);
    expect(notAttempted[0]).toMatch(/^not attempted: the run stopped \((.+)\)$/);
    expect(notAttempted[0]?.replace(/^not attempted: the run stopped \((.+)\)$/, '$1')).toMatch(CALL_401);

    // The audit has the users acted on; the user not attempted has no entry.
    const entries = await audit(report?.runId);
    expect(entries.filter((e) => e.outcome === 'applied').map((e) => e.oktaId).sort()).toEqual([...done].sort());
    expect(entries.filter((e) => e.outcome === 'failed')).toHaveLength(2);
    // The users done are no longer marked; the others are, for the next run.
    expect(await marked()).toEqual([...errors.keys()].sort());
    // The run history keeps the same report.
    const status = JSON.parse((await h.cli(['status', '--json'])).out.at(-1) ?? '{}') as { runs: RunReport[] };
    expect(status.runs.find((r) => r.runId === report?.runId)).toMatchObject({ applied: { deactivate: 4 }, failed: report?.failed, error: report?.error });

    h.wfm.requests.length = 0;
    const next = await offboard();
    expect(next.code).toBe(0);
    expect(next.report).toMatchObject({ applied: { deactivate: 3 }, failed: [] });
    expect(leavers.every((id) => activeOf(h, id) === false)).toBe(true);
    expect(await marked()).toEqual([]);
  });

  it('a re-check stopped by a refused SCIM token after a batch was sent keeps that batch in the report; the rest are not attempted', async () => {
    const leavers = take(4);
    for (const id of leavers) h.okta.state.setStatus(id, 'SUSPENDED');
    const token = h.wfm.scimToken;
    const restore = onDeactivateCall(h, (n) => {
      if (n === 1) h.wfm.setScimTokens(['a-rotated-token']);
    });
    try {
      const { code, report } = await offboard();
      expect(code).toBe(1);
      expect(report?.error).toMatch(/answered 401: .*; check WFM_SCIM_TOKEN/);
      expect(deactivateCalls(h)).toBe(1);
      const done = leavers.filter((id) => activeOf(h, id) === false);
      expect(done).toHaveLength(2);
      expect(report?.applied.deactivate).toBe(2);
      const errors = errorsOf(report?.failed);
      expect([...errors.keys()].sort()).toEqual(leavers.filter((id) => !done.includes(id)).sort());
      for (const e of errors.values()) expect(e.replace(/^not attempted: the run stopped \((.+)\)$/, '$1')).toMatch(SCIM_401);
      expect(await marked()).toEqual([...errors.keys()].sort());
    } finally {
      restore();
      h.wfm.setScimTokens([token]);
    }
    expect((await offboard()).report).toMatchObject({ applied: { deactivate: 2 }, failed: [] });
  });

  it('approve stopped mid-way reports what it did and keeps the plan; approving it again finishes it', async () => {
    const leavers = take(5);
    for (const id of leavers) h.okta.state.setStatus(id, 'DEPROVISIONED');
    const tripped = await offboard({ DEACTIVATION_MAX_COUNT: '4' });
    expect(tripped.code).toBe(3);
    const planId = tripped.report?.planId ?? '';
    expect(planId).toMatch(/^plan-/);

    const restore = refuseCallsFrom(2);
    const { code, report } = await approve(planId).finally(restore);
    expect(code).toBe(1);
    expect(report).toMatchObject({ planId, applied: { deactivate: 2 } });
    const done = leavers.filter((id) => activeOf(h, id) === false);
    expect(done).toHaveLength(2);
    const errors = errorsOf(report?.failed);
    expect([...errors.keys()].sort()).toEqual(leavers.filter((id) => !done.includes(id)).sort());
    expect([...errors.values()].filter((e) => e.startsWith('not attempted: the run stopped ('))).toHaveLength(1);
    expect(await marked()).toEqual([...errors.keys()].sort());

    const again = await approve(planId);
    expect(again.code).toBe(0);
    // Those deactivated by the stopped run read inactive now: left alone.
    expect(again.report).toMatchObject({ planned: { deactivate: 3, noop: 2 }, applied: { deactivate: 3 }, failed: [] });
    expect(leavers.every((id) => activeOf(h, id) === false)).toBe(true);
    expect(await marked()).toEqual([]);
  });
});
