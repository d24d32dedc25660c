import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { parseWfmWritePayload, runWfmWrite, STOP_FLAG_FRESH_MS, type WfmWritePayload } from '../../jobs/wfm-write';
import { createRunChildren } from '../../store/run-children';
import type { Harness } from '../helpers/harness';
import { appSuite, type TestApp } from '../helpers/app';
import { createAction as create } from '../helpers/write-action';

describe('a write job', () => {
  let h: Harness;
  let app: TestApp;
  appSuite({ users: 3 }, (s) => ({ h, app } = s));

  const posts = (): number => h.wfm.requests.filter((r) => r.api === 'scim' && r.method === 'POST').length;

  /** The commands sent to Redis on this test's keys while `work` runs (not those inside scripts). */
  async function commandsDuring(work: () => Promise<unknown>): Promise<string[]> {
    const watcher = new Redis(h.env.REDIS_URL ?? '');
    const monitor = await watcher.monitor();
    const seen: string[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua' && args.some((a) => a.startsWith(`${h.prefix}:`))) seen.push(String(args[0]).toLowerCase());
    });
    try {
      await sleep(50); // MONITOR is under way before the work starts
      await work();
      await sleep(50);
      return seen;
    } finally {
      monitor.disconnect();
      watcher.disconnect();
    }
  }

  it('on its first start in the process that planned it takes the write from memory: one round trip, the outcome with its audit entry', async () => {
    const runId = 'full-sync-test-first-delivery';
    const children = createRunChildren(app.deps.redis, app.deps.config.redis.prefix);
    const action = create('00uFirst');
    await children.register(runId, [action]);
    app.deps.plannedWrites?.keep(runId, [action]);
    await children.stopped(runId); // read as a worker does with each write it finishes
    const before = posts();
    const payload: WfmWritePayload = { runId, oktaId: action.oktaId };
    const commands = await commandsDuring(() => runWfmWrite(app.deps, payload, { number: 1, of: 3, first: true }));
    // The recording script (EVAL the first time this Redis sees it): no read of the write before.
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatch(/^eval(sha)?$/);
    expect(posts() - before).toBe(1);
    expect(await children.outcomes(runId)).toEqual([{ oktaId: '00uFirst', userName: action.userName, action: 'create', appliedAs: 'create' }]);
    expect(app.deps.plannedWrites?.take(runId, action.oktaId)).toBeUndefined(); // taken once
  });

  it('a write the WFM refuses records its failure with the error kind (a refused one is not read again by the next incremental run)', async () => {
    const runId = 'full-sync-test-refused';
    const children = createRunChildren(app.deps.redis, app.deps.config.redis.prefix);
    const valid = create('00uRefused');
    const { 'emails.work': _email, ...attrs } = valid.desired.attrs;
    const action = { ...valid, desired: { ...valid.desired, attrs } };
    await children.register(runId, [action]);
    await expect(runWfmWrite(app.deps, { runId, oktaId: action.oktaId }, { number: 1, of: 3 })).rejects.toThrow(/answered 400/);
    expect(await children.outcomes(runId)).toEqual([expect.objectContaining({ oktaId: '00uRefused', action: 'create', kind: 'invalid', error: expect.stringMatching(/answered 400/) as unknown })]);
  });

  it('on its first start in another process reads the write from Redis, then records its outcome', async () => {
    const runId = 'full-sync-test-other-process';
    const children = createRunChildren(app.deps.redis, app.deps.config.redis.prefix);
    const action = create('00uElsewhere');
    await children.register(runId, [action]); // planned by another process: nothing kept here
    await children.stopped(runId);
    const before = posts();
    const commands = await commandsDuring(() => runWfmWrite(app.deps, { runId, oktaId: action.oktaId }, { number: 1, of: 3, first: true }));
    expect(commands).toHaveLength(2);
    expect(commands.every((c) => /^eval(sha)?$/.test(c))).toBe(true);
    expect(posts() - before).toBe(1);
    expect(await children.outcomes(runId)).toEqual([{ oktaId: '00uElsewhere', userName: action.userName, action: 'create', appliedAs: 'create' }]);
  });

  it('delivered again after its outcome was recorded, sends nothing', async () => {
    const runId = 'full-sync-test-delivered-again';
    const children = createRunChildren(app.deps.redis, app.deps.config.redis.prefix);
    const action = create('00uAgain');
    await children.register(runId, [action]);
    const outcome = { oktaId: action.oktaId, userName: action.userName, action: 'create' as const, appliedAs: 'create' as const };
    await children.complete(runId, outcome);
    const before = posts();
    // A worker lost the job after recording it (stalled): the queue starts it again.
    app.deps.plannedWrites?.keep(runId, [action]);
    await expect(runWfmWrite(app.deps, { runId, oktaId: action.oktaId }, { number: 1, of: 3, first: false })).resolves.toEqual(outcome);
    expect(posts() - before).toBe(0);
  });

  it('reads the stop flag again when its own reading is stale: a stop made by another process is seen', async () => {
    const runId = 'full-sync-test-stopped-elsewhere';
    const children = createRunChildren(app.deps.redis, app.deps.config.redis.prefix);
    const [first, second] = [create('00uStopA'), create('00uStopB')];
    await children.register(runId, [first, second]);
    app.deps.plannedWrites?.keep(runId, [first, second]);
    await children.stopped(runId); // not stopped, as this process last read it
    // Another worker process stops the run (its writes were refused).
    const other = new Redis(h.env.REDIS_URL ?? '');
    try {
      await createRunChildren(other, app.deps.config.redis.prefix).stop(runId, { service: 'wfm-scim', reason: 'WFM SCIM answered 401' });
    } finally {
      other.disconnect();
    }
    await sleep(STOP_FLAG_FRESH_MS + 100);
    const before = posts();
    const outcome = await runWfmWrite(app.deps, { runId, oktaId: first.oktaId }, { number: 1, of: 3, first: true });
    expect(outcome.error).toBe('not attempted: the run stopped (WFM SCIM answered 401)');
    // The reading is fresh again: the next write stops without a read, recording its outcome only (the one script, with no audit entry).
    const commands = await commandsDuring(() => runWfmWrite(app.deps, { runId, oktaId: second.oktaId }, { number: 1, of: 3, first: true }));
    expect(commands).toEqual(['evalsha']);
    expect(posts() - before).toBe(0);
  });

  it('refuses a job of an earlier version whose action names another user', () => {
    expect(() => parseWfmWritePayload({ runId: 'r', oktaId: '00uA', action: create('00uB') })).toThrow(/oktaId differs/);
    expect(parseWfmWritePayload({ runId: 'r', oktaId: '00uA' })).toEqual({ runId: 'r', oktaId: '00uA' });
  });
});
