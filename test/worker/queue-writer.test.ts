import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker, type Job } from 'bullmq';
import { createQueueWriter, writeJobId } from '../../jobs/queue-writer';
import { createRunChildren } from '../../store/run-children';
import { key } from '../../store/redis';
import { bullConnection } from '../../worker/queues';
import { startHarness, type Harness } from '../helpers/harness';
import { startTestApp, type TestApp } from '../helpers/app';
import { createAction as create } from '../helpers/write-action';

describe('the queue writer', () => {
  let h: Harness;
  let app: TestApp;
  beforeAll(async () => {
    h = await startHarness({ users: 5 });
    app = startTestApp(h);
  });
  afterAll(async () => {
    await app.close();
    await h.close();
  });

  /** Runs `work` with the writes queue under the test's prefix, closed after. */
  async function withWrites(work: (writes: Queue) => Promise<void>): Promise<void> {
    const connection = bullConnection(h.env.REDIS_URL ?? '');
    const writes = new Queue('wfm-writes', { connection, prefix: h.prefix });
    try {
      await work(writes);
    } finally {
      await writes.close();
      await connection.quit();
    }
  }

  /** A run's write job, once the writer has queued it. */
  async function jobOf(writes: Queue, runId: string, oktaId: string): Promise<Job> {
    for (;;) {
      const job = await writes.getJob(writeJobId(runId, oktaId));
      if (job) return job;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('records a write whose job vanished from the queue as failed instead of waiting forever', async () => {
    await withWrites(async (writes) => {
      const writer = createQueueWriter({ writes, attempts: 3, pollMs: 50, stuckMs: 300 });
      const runId = 'full-sync-test-vanished';
      const applying = writer.apply(app.deps, runId, [create('00uA'), create('00uB')]);
      // No worker serves the queue here; remove one job as an admin might from the dashboard.
      await (await jobOf(writes, runId, '00uA')).remove();
      // The other write is still queued: finish it by hand as a worker would, by recording its outcome.
      await createRunChildren(app.deps.redis, app.deps.config.redis.prefix).complete(runId, { oktaId: '00uB', userName: '00uB@example.com', action: 'create', appliedAs: 'create' });
      const outcome = await applying;
      expect(outcome.applied.create).toBe(1);
      expect(outcome.failed).toEqual([{ oktaId: '00uA', userName: '00uA@example.com', action: 'create', error: 'its write job disappeared from the queue' }]);
      // Once every write has an outcome, the planned writes (profile values) are let go; the outcomes stay.
      expect(await app.deps.redis.exists(key(h.prefix, 'run', runId, 'actions'))).toBe(0);
      expect(await app.deps.redis.hlen(key(h.prefix, 'run', runId, 'outcomes'))).toBe(2);
    });
  });

  it('queues ids only, and keeps in memory only a write this planning registered: a run planned again reads the outcome first', async () => {
    await withWrites(async (writes) => {
      const children = createRunChildren(app.deps.redis, app.deps.config.redis.prefix);
      const runId = 'full-sync-test-planned-again';
      const writer = createQueueWriter({ writes, attempts: 3, pollMs: 50 });
      const first = writer.apply(app.deps, runId, [create('00uE')]);
      const job = await jobOf(writes, runId, '00uE');
      expect(job.data).toEqual({ runId, oktaId: '00uE' });
      expect(JSON.stringify(job.data)).not.toContain('@example.com');
      expect(app.deps.plannedWrites?.take(runId, '00uE')?.oktaId).toBe('00uE');
      // Its job is gone with no outcome yet, and the run is planned again (its job restarted).
      await job.remove();
      const again = writer.apply(app.deps, runId, [create('00uE')]);
      expect((await jobOf(writes, runId, '00uE')).data).toEqual({ runId, oktaId: '00uE' });
      // A job of the first planning may still record the outcome: the new job must read it first.
      expect(app.deps.plannedWrites?.take(runId, '00uE')).toBeUndefined();
      await children.complete(runId, { oktaId: '00uE', userName: '00uE@example.com', action: 'create', appliedAs: 'create' });
      expect((await first).applied.create).toBe(1);
      expect((await again).applied.create).toBe(1);
    });
  });

  it('a run planned again after its writes were let go waits for its new ones: every id it registered counts', async () => {
    await withWrites(async (writes) => {
      const children = createRunChildren(app.deps.redis, app.deps.config.redis.prefix);
      const runId = 'full-sync-test-released';
      const writer = createQueueWriter({ writes, attempts: 3, pollMs: 50 });
      const first = writer.apply(app.deps, runId, [create('00uF'), create('00uG')]);
      await jobOf(writes, runId, '00uG');
      for (const id of ['00uF', '00uG']) await children.complete(runId, { oktaId: id, userName: `${id}@example.com`, action: 'create', appliedAs: 'create' });
      expect((await first).applied.create).toBe(2);
      expect(await app.deps.redis.exists(key(h.prefix, 'run', runId, 'actions'))).toBe(0);
      // The sync job starts again (stopped after its writes, before it finished): its new plan has one new write.
      let settled = false;
      const again = writer.apply(app.deps, runId, [create('00uH')]).finally(() => {
        settled = true;
      });
      await jobOf(writes, runId, '00uH');
      expect(app.deps.plannedWrites?.take(runId, '00uH')?.oktaId).toBe('00uH'); // new: kept for its job's first start
      await sleep(300); // six polls of its progress
      expect(settled).toBe(false);
      await children.complete(runId, { oktaId: '00uH', userName: '00uH@example.com', action: 'create', appliedAs: 'create' });
      expect((await again).applied.create).toBe(3);
    });
  });

  it('records a write whose job failed without recording an outcome, instead of waiting forever', async () => {
    await withWrites(async (writes) => {
      // A worker whose handler fails before it records anything (as one that cannot read the job would).
      const workerConnection = bullConnection(h.env.REDIS_URL ?? '');
      const failing = new Worker('wfm-writes', () => Promise.reject(new Error('payload not understood')), {
        connection: workerConnection,
        prefix: h.prefix,
        settings: { backoffStrategy: () => 0 }, // the jobs name the product's strategy
      });
      try {
        const writer = createQueueWriter({ writes, attempts: 1, pollMs: 50, stuckMs: 300 });
        const outcome = await writer.apply(app.deps, 'full-sync-test-failed-unrecorded', [create('00uC')]);
        expect(outcome.failed).toEqual([
          { oktaId: '00uC', userName: '00uC@example.com', action: 'create', error: 'its write job failed without recording an outcome (payload not understood)' },
        ]);
      } finally {
        await failing.close();
        await workerConnection.quit();
      }
    });
  });

  it('the writes of a small run (a one-user resync) are taken before those a large run left waiting', async () => {
    await withWrites(async (writes) => {
      const children = createRunChildren(app.deps.redis, app.deps.config.redis.prefix);
      const writer = createQueueWriter({ writes, attempts: 1, pollMs: 50, frontOfQueueMax: 2 });
      const large = writer.apply(app.deps, 'full-sync-test-backlog', [create('00uL1'), create('00uL2'), create('00uL3')]);
      await jobOf(writes, 'full-sync-test-backlog', '00uL3');
      const small = writer.apply(app.deps, 'resync-user-test-one', [create('00uS1')]);
      await jobOf(writes, 'resync-user-test-one', '00uS1');
      // One worker, one job at a time, recording each outcome as the product's write job does.
      const taken: string[] = [];
      const workerConnection = bullConnection(h.env.REDIS_URL ?? '');
      const worker = new Worker<{ runId: string; oktaId: string }>(
        'wfm-writes',
        async (job) => {
          taken.push(job.data.oktaId);
          await children.complete(job.data.runId, { oktaId: job.data.oktaId, userName: `${job.data.oktaId}@example.com`, action: 'create', appliedAs: 'create' });
        },
        { connection: workerConnection, prefix: h.prefix, concurrency: 1 },
      );
      try {
        expect((await small).applied.create).toBe(1);
        expect((await large).applied.create).toBe(3);
        expect(taken).toEqual(['00uS1', '00uL1', '00uL2', '00uL3']);
      } finally {
        await worker.close();
        await workerConnection.quit();
      }
    });
  });
});
