import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { bullConnection } from '../../worker/queues';
import { isFirstStart } from '../../worker/runtime';
import { REDIS_URL } from '../helpers/harness';

/**
 * A write job's first start skips reading whether its write has an outcome, so nothing that starts
 * a job again may look like a first start: checked on real BullMQ jobs in Redis.
 */
describe('a job’s first start', () => {
  const prefix = `test-first-start-${process.pid}-${Date.now()}`;
  const connection = bullConnection(REDIS_URL);
  const queue = new Queue('first-start', { connection, prefix });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await connection.quit();
  });

  /** Runs the queue's jobs until `starts` have started; answers each start's job id and isFirstStart. */
  async function starts(count: number, fail: (job: Job) => boolean): Promise<[string, boolean][]> {
    const seen: [string, boolean][] = [];
    const workerConnection = bullConnection(REDIS_URL);
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const worker = new Worker(
      'first-start',
      async (job: Job) => {
        seen.push([String(job.id), isFirstStart(job)]);
        if (seen.length >= count) setImmediate(done);
        if (fail(job)) throw new UnrecoverableError('refused for good');
      },
      { connection: workerConnection, prefix, settings: { backoffStrategy: () => 0 } },
    );
    try {
      await finished;
      return seen;
    } finally {
      await worker.close();
      await workerConnection.quit();
    }
  }

  it('is a new job’s start, and not the start of one retried through the API with both attempt counters reset', async () => {
    const job = await queue.add('wfm-write', { n: 1 }, { jobId: 'retried', attempts: 3 });
    expect(await starts(1, () => true)).toEqual([['retried', true]]);
    expect(await job.getState()).toBe('failed');
    const failed = await queue.getJob('retried');
    await failed?.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    const again = await queue.getJob('retried');
    expect([again?.attemptsMade, again?.attemptsStarted]).toEqual([0, 0]); // the counters alone would say "first"
    expect(await starts(1, () => false)).toEqual([['retried', false]]);
  });

  it('is not the start of a job retried by the queue after a failed attempt', async () => {
    await queue.add('wfm-write', { n: 2 }, { jobId: 'attempted', attempts: 2, backoff: { type: 'fixed', delay: 0 } });
    let attempts = 0;
    const seen = await starts(2, () => {
      attempts += 1;
      if (attempts === 1) throw new Error('transient');
      return false;
    });
    expect(seen).toEqual([
      ['attempted', true],
      ['attempted', false],
    ]);
  });
});
