import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { DIST } from './sandboxes';

export const CLI = join(DIST, 'worker', 'cli.js');
const HOOK = join(DIST, 'bench', 'usage-hook.js');

/** What one measured process used: its own CPU (user + system) and its own peak RSS. */
export type Usage = { wallMs: number; cpuMs: number; maxRssKb: number };

const usageFile = z.object({ userUs: z.number(), systemUs: z.number(), maxRssKb: z.number(), vmHwmKb: z.number().optional() });

function readUsage(file: string, wallMs: number): Usage {
  if (!existsSync(file)) throw new Error(`the measured process left no usage record (${file})`);
  const u = usageFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  return { wallMs, cpuMs: (u.userUs + u.systemUs) / 1000, maxRssKb: Math.max(u.maxRssKb, u.vmHwmKb ?? 0) };
}

/** Extra Node options for the measured processes, e.g. `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` to profile them. */
const profilerArgs = (): string[] => (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');

/** Where one step writes its files: the product's logs and the usage record. */
export type StepFiles = { dir: string; name: string };

const baseEnv = (env: Record<string, string>, usage: string): NodeJS.ProcessEnv => ({ PATH: process.env.PATH ?? '', ...env, BENCH_USAGE_FILE: usage });

/**
 * Runs `okta-wfm-sync <args>` (or another script of the build) as its own process, with the usage
 * hook preloaded. Answers the exit code, stdout lines, and the process's wall time, CPU time and peak RSS.
 */
export async function runMeasured(
  args: readonly string[],
  env: Record<string, string>,
  files: StepFiles,
  script: string = CLI,
): Promise<{ code: number | null; stdout: string[]; usage: Usage }> {
  const usagePath = join(files.dir, `${files.name}.usage.json`);
  const log = openSync(join(files.dir, `${files.name}.log`), 'a');
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...profilerArgs(), '--require', HOOK, script, ...args], { env: baseEnv(env, usagePath), stdio: ['ignore', 'pipe', log] });
  closeSync(log);
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { code, stdout: out.split('\n').filter((l) => l !== ''), usage: readUsage(usagePath, wallMs) };
}

/** Runs a CLI command that is not measured (a trigger): answers its last stdout line. */
export async function runPlain(args: readonly string[], env: Record<string, string>, files: StepFiles): Promise<string> {
  const { code, stdout } = await runMeasured(args, env, files);
  if (code !== 0) throw new Error(`okta-wfm-sync ${args.join(' ')} exited with ${String(code)} (see ${files.dir}/${files.name}.log)`);
  return stdout[stdout.length - 1] ?? '';
}

export type WorkerProcess = { stop(): Promise<Usage> };

/** Starts `okta-wfm-sync worker --no-http` and waits until it says it started. */
export async function startWorkerProcess(env: Record<string, string>, files: StepFiles): Promise<WorkerProcess> {
  const usagePath = join(files.dir, `${files.name}.usage.json`);
  const logPath = join(files.dir, `${files.name}.log`);
  const log = openSync(logPath, 'a');
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...profilerArgs(), '--require', HOOK, CLI, 'worker', '--no-http'], { env: baseEnv(env, usagePath), stdio: ['ignore', 'ignore', log] });
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  // The worker says so at info level: the bench leaves LOG_LEVEL at its default.
  for (let waited = 0; !readFileSync(logPath, 'utf8').includes('worker started'); waited += 100) {
    if (child.exitCode !== null) throw new Error(`the worker exited with ${child.exitCode} at start (see ${logPath})`);
    if (waited > 60_000) {
      child.kill('SIGKILL');
      throw new Error(`the worker did not start within a minute (see ${logPath})`);
    }
    await sleep(100);
  }
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
      return readUsage(usagePath, Number(process.hrtime.bigint() - started) / 1e6);
    },
  };
}
