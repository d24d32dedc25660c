import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker, type Job } from 'bullmq';
import { createQueueWriter, writeJobId } from '../../jobs/queue-writer';
import { createRunChildren } from '../../store/run-children';
import { key } from '../../store/redis';
import { bullConnection } from '../../worker/queues';
import type { Harness } from '../helpers/harness';
import { appSuite, type TestApp } from '../helpers/app';
import { createAction as create } from '../helpers/write-action';

describe('the queue writer', () => {
  let h: Harness;
  let app: TestApp;
  appSuite({ users: 5 }, (s) => ({ h, app } = s));

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

  it('an Okta id with a colon (the API types ids as strings) gets its own job like any other, instead of the queue refusing the whole batch', async () => {
    await withWrites(async (writes) => {
      const runId = 'full-sync-test-colon';
      const writer = createQueueWriter({ writes, attempts: 3, pollMs: 50 });
      // BullMQ refuses a job id with a colon; '%3A' must not then stand for two users.
      const actions = [{ ...create('usr7'), oktaId: 'usr:7' }, { ...create('usr37'), oktaId: 'usr%3A7' }, create('00uC')];
      const applying = writer.apply(app.deps, runId, actions);
      const children = createRunChildren(app.deps.redis, app.deps.config.redis.prefix);
      for (const a of actions) {
        const job = await Promise.race([jobOf(writes, runId, a.oktaId), applying.then(() => Promise.reject(new Error('applied before its jobs were queued')))]);
        expect(job.data).toEqual({ runId, oktaId: a.oktaId });
        await children.complete(runId, { oktaId: a.oktaId, userName: a.userName, action: 'create', appliedAs: 'create' });
      }
      const outcome = await applying;
      expect(outcome.applied.create).toBe(3);
      expect(outcome.failed).toEqual([]);
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

  describe('the order writes are taken in', () => {
    /**
     * Runs a large run (over frontOfQueueMax: 2) and then a small one with no worker serving the
     * queue, then one worker, one job at a time, recording each outcome as the product's write job
     * does; answers the (runId, oktaId) pairs in the order taken. `failFirst` fails the first try of
     * that pair, for the queue to retry at once.
     */
    async function taken(large: string[], small: string[], failFirst?: string): Promise<string[]> {
      const order: string[] = [];
      await withWrites(async (writes) => {
        const children = createRunChildren(app.deps.redis, app.deps.config.redis.prefix);
        const writer = createQueueWriter({ writes, attempts: 2, pollMs: 50, frontOfQueueMax: 2 });
        const tag = Math.random().toString(36).slice(2, 8);
        const [bigRun, smallRun] = [`full-sync-test-backlog-${tag}`, `resync-user-test-${tag}`];
        const bulk = writer.apply(app.deps, bigRun, large.map((id) => create(id)));
        await jobOf(writes, bigRun, large[large.length - 1] ?? '');
        const one = writer.apply(app.deps, smallRun, small.map((id) => create(id)));
        await jobOf(writes, smallRun, small[small.length - 1] ?? '');
        const workerConnection = bullConnection(h.env.REDIS_URL ?? '');
        const worker = new Worker<{ runId: string; oktaId: string }>(
          'wfm-writes',
          async (job) => {
            const who = `${job.data.runId === bigRun ? 'large' : 'small'}:${job.data.oktaId}`;
            order.push(who);
            if (who === failFirst && job.attemptsMade === 0) throw new Error('429, once');
            await children.complete(job.data.runId, { oktaId: job.data.oktaId, userName: `${job.data.oktaId}@example.com`, action: 'create', appliedAs: 'create' });
          },
          { connection: workerConnection, prefix: h.prefix, concurrency: 1, settings: { backoffStrategy: () => 0 } },
        );
        try {
          expect((await one).applied.create).toBe(small.length);
          expect((await bulk).applied.create).toBe(large.length);
        } finally {
          await worker.close();
          await workerConnection.quit();
        }
      });
      return order;
    }

    it('a small run (a one-user resync) goes before the writes a large run left waiting', async () => {
      expect(await taken(['00uL1', '00uL2', '00uL3'], ['00uS1'])).toEqual(['small:00uS1', 'large:00uL1', 'large:00uL2', 'large:00uL3']);
    });

    it('not when the large run still has a write for its user: the older plan write goes first, so it cannot undo the newer one', async () => {
      expect(await taken(['00uL7', '00uX1', '00uL8'], ['00uX1'])).toEqual(['large:00uL7', 'large:00uX1', 'large:00uL8', 'small:00uX1']);
    });
  });
});
