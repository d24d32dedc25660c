import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { createRunHistory } from '../store/run-history';
import type { RunReport } from '../sync/report';
import { countCalls, writeRate, type Calls } from './calls';
import type { BenchContext, Tenant } from './context';
import { runPlain, startWorkerProcess, type Usage, type WorkerProcess } from './processes';

export type WorkerRun = {
  workers: number;
  report: RunReport;
  /** Trigger to the run's report being stored. */
  wallMs: number;
  usages: Usage[];
  calls: Calls;
  rate: ReturnType<typeof writeRate>;
};

const triggered = z.object({ runId: z.string(), coalesced: z.boolean() });

/**
 * Starts `workers` worker processes against one Redis prefix, triggers a full resync with
 * `okta-wfm-sync trigger resync --json`, waits for its report, and stops them. The report is read
 * from Redis by the harness itself: a `status` process every second would take CPU from the run.
 */
export async function runWithWorkers(ctx: BenchContext, t: Tenant, name: string, workers: number, env: Record<string, string>): Promise<WorkerRun> {
  const fullEnv = t.env({ ...env, QUEUE_PREFIX: `${ctx.prefix}-${name}` });
  const procs: WorkerProcess[] = [];
  const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: 2 });
  try {
    for (let i = 0; i < workers; i += 1) procs.push(await startWorkerProcess(fullEnv, { dir: ctx.dir, name: `${name}-worker${i + 1}` }));
    await Promise.all([t.okta.resetRequests(), t.wfm.resetRequests()]);
    const started = Date.now();
    const { runId } = triggered.parse(JSON.parse(await runPlain(['trigger', 'resync', '--json'], fullEnv, { dir: ctx.dir, name: `${name}-trigger` })));
    const history = createRunHistory(redis, fullEnv.QUEUE_PREFIX ?? '');
    let report: RunReport | undefined;
    let lastNote = Date.now();
    while (!(report = await history.get(runId))) {
      if (Date.now() - lastNote > 30_000) {
        const posts = (await t.wfm.requests()).filter((e) => e.api === 'scim' && e.method === 'POST').length;
        ctx.progress(`${name}: ${posts} writes so far...`);
        lastNote = Date.now();
      }
      await sleep(250);
    }
    const wallMs = Date.now() - started;
    const [okta, wfm] = await Promise.all([t.okta.requests(), t.wfm.requests()]);
    const usages = await Promise.all(procs.map((p) => p.stop()));
    const posts = wfm.filter((e) => e.api === 'scim' && (e.method === 'POST' || e.method === 'PUT')).map((e) => e.at);
    return { workers, report, wallMs, usages, calls: countCalls(okta, wfm), rate: writeRate(posts) };
  } finally {
    await Promise.all(procs.map((p) => p.stop().catch(() => undefined)));
    redis.disconnect();
  }
}
