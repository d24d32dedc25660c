import { join } from 'node:path';
import { z } from 'zod';
import { writeRate, type Calls } from './calls';
import { startTenant, type BenchContext } from './context';
import { runMeasured, type Usage } from './processes';
import { DIST } from './sandboxes';
import type { Verdict } from './table';
import { runWithWorkers, type WorkerRun } from './worker-run';

export const WFM_LATENCY_MS = 50;
export const WFM_MAX_RPS = 50;
/** Writes in flight per worker process, for the worker and the plain loop alike (the product's default). */
export const CONCURRENCY = 4;
/** "No rate limit": the highest WFM_MAX_RPS the configuration accepts. */
const UNLIMITED_RPS = 10_000;

export type ThroughputRow = {
  users: number;
  workers: number;
  writes: number;
  perSecond: number;
  /** Most writes in any sliding second, and the same after the first seconds. */
  peakSliding: number;
  peakSlidingSteady: number;
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  calls: Calls;
  verdict: Verdict;
};

export type OverheadResult = {
  users: number;
  concurrency: number;
  worker: { writes: number; perSecond: number; cpuMs: number };
  loop: { writes: number; perSecond: number; cpuMs: number };
  ratio: number;
  verdict: Verdict;
};

const runFailure = (run: WorkerRun): string | undefined =>
  run.report.error !== undefined ? `run stopped: ${run.report.error}` : run.report.failed.length > 0 ? `${run.report.failed.length} users failed` : undefined;

/** The achieved rate over the write phase: at least 90 % of the limit, and not above it. */
export function throughputVerdict(perSecond: number, limit: number, failure?: string): Verdict {
  const target = `${(0.9 * limit).toFixed(0)} <= writes/s <= ${limit}`;
  if (failure) return { target, met: false, detail: failure };
  return { target, met: perSecond >= 0.9 * limit && perSecond <= limit };
}

const sumCpu = (usages: readonly Usage[]): number => usages.reduce((s, u) => s + u.cpuMs, 0);
const maxRss = (usages: readonly Usage[]): number => Math.max(0, ...usages.map((u) => u.maxRssKb));

/**
 * Limit-bound throughput: an initial sync with WFM_LATENCY_MS on every WFM request and WFM_MAX_RPS,
 * with one and with two worker processes (the limit is cluster-wide). Then the overhead: the
 * worker with no latency and no rate limit against a plain loop of the same POSTs.
 */
export async function runWorkerScenarios(
  ctx: BenchContext,
  users: number,
  selected: { throughput: boolean; overhead: boolean },
): Promise<{ throughput: ThroughputRow[]; overhead: OverheadResult | undefined }> {
  const t = await startTenant(ctx, users, `workers-${users}`);
  const throughput: ThroughputRow[] = [];
  let overhead: OverheadResult | undefined;
  try {
    if (selected.throughput) {
      for (const workers of [1, 2]) {
        await t.wfm.clear();
        await t.wfm.setLatency(WFM_LATENCY_MS);
        const expect = ((t.inScopeIds.length / WFM_MAX_RPS) / 60).toFixed(1);
        ctx.progress(`workers-${users}: initial sync, ${workers} worker(s), ${WFM_LATENCY_MS} ms WFM latency, WFM_MAX_RPS=${WFM_MAX_RPS} (about ${expect} min)...`);
        const run = await runWithWorkers(ctx, t, `throughput-${users}-${workers}w`, workers, { WFM_MAX_RPS: String(WFM_MAX_RPS), WFM_CONCURRENCY: String(CONCURRENCY) });
        const row: ThroughputRow = {
          users,
          workers,
          writes: run.rate.writes,
          perSecond: run.rate.perSecond,
          peakSliding: run.rate.peakSliding,
          peakSlidingSteady: run.rate.peakSlidingSteady,
          wallMs: run.wallMs,
          cpuMs: sumCpu(run.usages),
          maxRssKb: maxRss(run.usages),
          calls: run.calls,
          verdict: throughputVerdict(run.rate.perSecond, WFM_MAX_RPS, runFailure(run)),
        };
        ctx.progress(`workers-${users}: ${workers} worker(s): ${row.perSecond.toFixed(1)} writes/s (at most ${row.peakSliding} in a sliding second, ${row.peakSlidingSteady} after the first 5 s)`);
        throughput.push(row);
      }
      await t.wfm.setLatency(0);
    }
    if (selected.overhead) overhead = await measureOverhead(ctx, users, t);
  } finally {
    await t.stop();
  }
  return { throughput, overhead };
}

const loopOutput = z.object({ writes: z.number(), failed: z.number(), ms: z.number() });

async function measureOverhead(ctx: BenchContext, users: number, t: Awaited<ReturnType<typeof startTenant>>): Promise<OverheadResult> {
  await t.wfm.clear();
  await t.wfm.setLatency(0);
  ctx.progress(`workers-${users}: overhead: the worker, no latency, no rate limit...`);
  const run = await runWithWorkers(ctx, t, `overhead-${users}`, 1, { WFM_MAX_RPS: String(UNLIMITED_RPS), WFM_CONCURRENCY: String(CONCURRENCY) });
  await t.wfm.clear();
  ctx.progress(`workers-${users}: overhead: a plain loop of the same POSTs...`);
  await Promise.all([t.okta.resetRequests(), t.wfm.resetRequests()]);
  const env = t.env({ WFM_CONCURRENCY: String(CONCURRENCY) });
  const loop = await runMeasured([], env, { dir: ctx.dir, name: `overhead-${users}-loop` }, join(DIST, 'bench', 'raw-posts.js'));
  const out = loopOutput.parse(JSON.parse(loop.stdout[loop.stdout.length - 1] ?? '{}'));
  const loopRate = writeRate((await t.wfm.requests()).filter((e) => e.api === 'scim' && e.method === 'POST').map((e) => e.at));
  const ratio = run.rate.perSecond / loopRate.perSecond;
  const failure = runFailure(run) ?? (out.failed > 0 ? `${out.failed} POSTs of the loop failed` : undefined);
  ctx.progress(`workers-${users}: overhead: worker ${run.rate.perSecond.toFixed(0)} writes/s, loop ${loopRate.perSecond.toFixed(0)} writes/s`);
  return {
    users,
    concurrency: CONCURRENCY,
    worker: { writes: run.rate.writes, perSecond: run.rate.perSecond, cpuMs: sumCpu(run.usages) },
    loop: { writes: out.writes, perSecond: loopRate.perSecond, cpuMs: loop.usage.cpuMs },
    ratio,
    verdict: failure ? { target: 'worker / loop >= 0.5', met: false, detail: failure } : { target: 'worker / loop >= 0.5', met: ratio >= 0.5 },
  };
}
