import { join } from 'node:path';
import { z } from 'zod';
import { writeRate, type Calls } from './calls';
import { startTenant, type BenchContext, type Tenant } from './context';
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

/** One write-rate measurement: writes, writes per second at the WFM, CPU of the measured processes. */
export type RateFigures = { writes: number; perSecond: number; cpuMs: number };

/** The worker and the plain loop measured back to back, and the ratio of their rates. */
export type OverheadPair = { worker: RateFigures; loop: RateFigures; ratio: number; failure?: string };

export type OverheadResult = {
  users: number;
  concurrency: number;
  /** Every pair measured, in order; the verdict is on the median ratio. */
  pairs: OverheadPair[];
  ratio: number;
  verdict: Verdict;
};

/**
 * Pairs of measurements (worker, then loop; the next pair the other way round). On a VM whose
 * speed varies from one minute to the next, one pair's ratio moves by +/- 15 %; the median of five,
 * with every pair shown, is the figure compared with the target.
 */
export const OVERHEAD_PAIRS = 5;
export const OVERHEAD_TARGET = 0.5;

/** The median of the pairs' ratios, and the verdict on it (a failed write in any pair fails it). */
export function overheadVerdict(pairs: readonly OverheadPair[]): { ratio: number; verdict: Verdict } {
  const target = `median worker / loop >= ${OVERHEAD_TARGET}`;
  const ratios = pairs.map((p) => p.ratio).sort((a, b) => a - b);
  const mid = Math.floor(ratios.length / 2);
  const ratio = ratios.length === 0 ? Number.NaN : ratios.length % 2 === 1 ? (ratios[mid] ?? Number.NaN) : ((ratios[mid - 1] ?? 0) + (ratios[mid] ?? 0)) / 2;
  const failure = pairs.find((p) => p.failure !== undefined)?.failure;
  if (failure !== undefined) return { ratio, verdict: { target, met: false, detail: failure } };
  return { ratio, verdict: { target, met: ratio >= OVERHEAD_TARGET } };
}

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

/** The worker's initial sync of the tenant, on an empty WFM, with no latency and no limit. */
async function measureWorker(ctx: BenchContext, t: Tenant, users: number, n: number): Promise<{ figures: RateFigures; failure?: string }> {
  await t.wfm.clear();
  const run = await runWithWorkers(ctx, t, `overhead-${users}-${n}`, 1, { WFM_MAX_RPS: String(UNLIMITED_RPS), WFM_CONCURRENCY: String(CONCURRENCY) });
  const failure = runFailure(run);
  return { figures: { writes: run.rate.writes, perSecond: run.rate.perSecond, cpuMs: sumCpu(run.usages) }, ...(failure ? { failure } : {}) };
}

/** The plain loop of the same POSTs, on an empty WFM. */
async function measureLoop(ctx: BenchContext, t: Tenant, users: number, n: number): Promise<{ figures: RateFigures; failure?: string }> {
  await t.wfm.clear();
  await Promise.all([t.okta.resetRequests(), t.wfm.resetRequests()]);
  const env = t.env({ WFM_CONCURRENCY: String(CONCURRENCY) });
  const loop = await runMeasured([], env, { dir: ctx.dir, name: `overhead-${users}-${n}-loop` }, join(DIST, 'bench', 'raw-posts.js'));
  const out = loopOutput.parse(JSON.parse(loop.stdout[loop.stdout.length - 1] ?? '{}'));
  const rate = writeRate((await t.wfm.requests()).filter((e) => e.api === 'scim' && e.method === 'POST').map((e) => e.at));
  return { figures: { writes: out.writes, perSecond: rate.perSecond, cpuMs: loop.usage.cpuMs }, ...(out.failed > 0 ? { failure: `${out.failed} POSTs of the loop failed` } : {}) };
}

async function measureOverhead(ctx: BenchContext, users: number, t: Tenant): Promise<OverheadResult> {
  await t.wfm.setLatency(0);
  const pairs: OverheadPair[] = [];
  for (let n = 1; n <= OVERHEAD_PAIRS; n += 1) {
    ctx.progress(`workers-${users}: overhead, pair ${n} of ${OVERHEAD_PAIRS}: the worker (no latency, no rate limit) and a plain loop of the same POSTs...`);
    // Alternate which goes first, so a machine slowing down or speeding up favours neither.
    const workerFirst = n % 2 === 1;
    const first = workerFirst ? await measureWorker(ctx, t, users, n) : await measureLoop(ctx, t, users, n);
    const second = workerFirst ? await measureLoop(ctx, t, users, n) : await measureWorker(ctx, t, users, n);
    const [worker, loop] = workerFirst ? [first, second] : [second, first];
    const failure = worker.failure ?? loop.failure;
    pairs.push({ worker: worker.figures, loop: loop.figures, ratio: worker.figures.perSecond / loop.figures.perSecond, ...(failure ? { failure } : {}) });
    ctx.progress(`workers-${users}: overhead, pair ${n}: worker ${worker.figures.perSecond.toFixed(0)} writes/s, loop ${loop.figures.perSecond.toFixed(0)} writes/s`);
  }
  return { users, concurrency: CONCURRENCY, pairs, ...overheadVerdict(pairs) };
}
