import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { sandboxEnv } from '../../sandbox/env';
import { startOktaSandbox, type OktaSandbox, type OktaSandboxOptions } from '../../sandbox/okta/server';
import { startWfmSandbox, type WfmSandbox, type WfmSandboxOptions } from '../../sandbox/wfm/server';
import type { RunReport } from '../../sync/report';
import { runCli } from '../../worker/cli';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Deletes every Redis key a test left under its prefix, on a connection of its own. */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}

export type Harness = {
  okta: OktaSandbox;
  wfm: WfmSandbox;
  env: Record<string, string | undefined>;
  prefix: string;
  /** Runs the CLI in-process; answers the exit code, stdout lines and the parsed --json report. */
  cli(args: string[], extraEnv?: Record<string, string>): Promise<{ code: number; out: string[]; err: string[]; report?: RunReport }>;
  close(): Promise<void>;
};

export type HarnessOptions = {
  users?: number;
  seed?: number;
  wfmPageSize?: number;
  /** Sandbox settings beyond those, e.g. the tokens they accept. */
  okta?: OktaSandboxOptions;
  wfm?: WfmSandboxOptions;
};

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const okta = await startOktaSandbox({ users: opts.users ?? 60, seed: opts.seed ?? 7, ...opts.okta });
  const wfm = await startWfmSandbox({ ...(opts.wfmPageSize !== undefined ? { maxPageSize: opts.wfmPageSize } : {}), ...opts.wfm });
  const prefix = `okta-wfm-test-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string | undefined> = sandboxEnv(okta, wfm, { REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'error' });
  return {
    okta,
    wfm,
    env,
    prefix,
    async cli(args, extraEnv = {}) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(args, { env: { ...env, ...extraEnv }, stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
      const last = out[out.length - 1];
      let report: RunReport | undefined;
      if (args.includes('--json') && last !== undefined) report = JSON.parse(last) as RunReport;
      return report ? { code, out, err, report } : { code, out, err };
    },
    async close() {
      await Promise.all([okta.close(), wfm.close()]);
      await dropPrefix(prefix);
    },
  };
}
