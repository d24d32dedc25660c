// npm run bench [-- --users N --scenario S]: the real pipeline (the CLI and worker processes from
// dist/, a real Redis, both sandboxes in their own processes on loopback), measured. Progress goes
// to stderr; the tables (Markdown) to stdout. See bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { deleteKeys, redisAnswers } from '../store/redis';
import { parseBenchArgs, USAGE, type BenchPlan } from './args';
import type { BenchContext } from './context';
import { renderResults, type BenchResults } from './report';
import { runCoreScenarios } from './scenarios-core';
import { runReadModes } from './scenarios-read-modes';
import { runWorkerScenarios } from './scenarios-workers';

/** The commit measured, and whether the working tree differed from it. */
function commitMeasured(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha} with uncommitted changes` : sha;
  } catch {
    return 'unknown (no git)';
  }
}

async function runPlan(ctx: BenchContext, plan: BenchPlan): Promise<BenchResults> {
  const results: BenchResults = { scenarios: [], throughput: [], overhead: undefined, readModes: [] };
  for (const { users, scenarios } of plan.core) results.scenarios.push(...(await runCoreScenarios(ctx, users, scenarios)));
  const special = plan.special;
  if (special && (special.throughput || special.overhead)) {
    const w = await runWorkerScenarios(ctx, special.users, { throughput: special.throughput, overhead: special.overhead });
    results.throughput = w.throughput;
    results.overhead = w.overhead;
  }
  if (special?.readModes) results.readModes = await runReadModes(ctx, special.users);
  return results;
}

async function main(argv: string[]): Promise<number> {
  let plan: BenchPlan;
  try {
    plan = parseBenchArgs(argv);
  } catch (err) {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    return 2;
  }
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!(await redisAnswers(redisUrl))) {
    process.stderr.write(`bench: Redis does not answer at ${redisUrl}; start one (redis-server --daemonize yes) or set REDIS_URL.\n`);
    return 2;
  }
  const started = Date.now();
  const loadAtStart = loadavg();
  const commit = commitMeasured();
  const dir = mkdtempSync(join(tmpdir(), 'okta-wfm-bench-'));
  const ctx: BenchContext = {
    dir,
    redisUrl,
    prefix: `bench-${new Date(started).toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`,
    progress: (m) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}\n`),
  };
  ctx.progress(`logs in ${dir}; Redis keys under ${ctx.prefix}*`);
  let failed = false;
  try {
    const results = await runPlan(ctx, plan);
    const header = [
      `Command: npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
      `Date: ${new Date(started).toISOString()}; took ${((Date.now() - started) / 60000).toFixed(1)} min; commit ${commit}`,
      `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory; Node ${process.version}`,
      // Other processes on the machine share its cores with the sandboxes, Redis and the product.
      `Load average (1, 5, 15 min): ${loadAtStart.map((l) => l.toFixed(2)).join(', ')} at the start; ${loadavg().map((l) => l.toFixed(2)).join(', ')} at the end`,
    ];
    process.stdout.write(`${header.join('\n')}\n\n${renderResults(results)}\n`);
    if (plan.jsonFile) writeFileSync(plan.jsonFile, JSON.stringify({ started: new Date(started).toISOString(), argv, results }, null, 2));
  } catch (err) {
    failed = true;
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n(logs kept in ${dir})\n`);
  } finally {
    ctx.progress(`deleted ${await deleteKeys(redisUrl, `${ctx.prefix}*`)} Redis keys`);
    if (!failed && !plan.keepLogs) rmSync(dir, { recursive: true, force: true });
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
