// The queue's own floor on this machine: BullMQ jobs that do nothing, added and processed the way
// the write jobs are (ids only in the payload, removed on completion), with no HTTP and no
// bookkeeping. Run `node dist/bench/queue-floor.js [jobs] [concurrency]` after `npm run build`.
// Prints {"jobs":n,"concurrency":n,"jobsPerSecond":n,"cpuMsPerJob":n}.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

async function main(): Promise<void> {
  const jobs = Number(process.argv[2] ?? 10000);
  const concurrency = Number(process.argv[3] ?? 8);
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `bench-floor-${Date.now()}`;
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue('floor', { connection, prefix });
  for (let i = 0; i < jobs; i += 500) {
    const chunk = Array.from({ length: Math.min(500, jobs - i) }, (_, j) => ({
      name: 'wfm-write',
      data: { runId: 'floor', oktaId: `u${i + j}` },
      opts: { jobId: `floor.u${i + j}`, removeOnComplete: true },
    }));
    await queue.addBulk(chunk);
  }
  let done = 0;
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const workerConnection = new Redis(url, { maxRetriesPerRequest: null });
  let worker: Worker | undefined;
  await new Promise<void>((resolve) => {
    worker = new Worker(
      'floor',
      async () => {
        done += 1;
        if (done === jobs) resolve();
      },
      { connection: workerConnection, prefix, concurrency },
    );
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  await worker?.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await Promise.all([connection.quit(), workerConnection.quit()]);
  const result = { jobs, concurrency, jobsPerSecond: Math.round((jobs / ms) * 1000), cpuMsPerJob: Number(((used.user + used.system) / 1000 / jobs).toFixed(3)) };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`queue-floor: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
