import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { countCalls, requestShapes, type Calls } from './calls';
import { runMeasured, type Usage } from './processes';
import { productEnv, startOkta, startWfm, type OktaProcess, type WfmProcess } from './sandboxes';
import type { Verdict } from './table';

/** What the whole bench run shares: where files go, the Redis and the prefix of every key it makes. */
export type BenchContext = {
  dir: string;
  redisUrl: string;
  prefix: string;
  progress(message: string): void;
};

/** One tenant: a sandbox Okta with N generated users and a sandbox WFM, each in its own process. */
export type Tenant = {
  users: number;
  okta: OktaProcess;
  wfm: WfmProcess;
  inScopeIds: string[];
  appUsers: number;
  /** Members of each role group, in SUPERVISOR_GROUPS order. */
  roleGroupMembers: number[];
  env(extra?: Record<string, string>): Record<string, string>;
  stop(): Promise<void>;
};

export const SUPERVISOR_GROUP = 'WFM Supervisors';

/**
 * The role group goes to the product by id, as RESULTS.md and the README advise for a deployment:
 * Okta lists a group's members by id, so a name costs a lookup on an install's first run (and again
 * when its week in Redis ends), which no minimum counts.
 */
const roleGroupSetting = (groups: ReadonlyArray<{ id: string }>): string => {
  if (groups.length === 0) throw new Error(`the sandbox Okta has no group named ${SUPERVISOR_GROUP}`);
  return groups.map((g) => g.id).join(',');
};
const SEED = 7;

export async function startTenant(ctx: BenchContext, users: number, name: string): Promise<Tenant> {
  const started = Date.now();
  const [okta, wfm] = await Promise.all([startOkta(users, SEED, `${ctx.dir}/${name}.okta.log`), startWfm(`${ctx.dir}/${name}.wfm.log`)]);
  const summary = await okta.summary();
  const roleGroups = await okta.groupsNamed(SUPERVISOR_GROUP);
  const supervisorGroups = roleGroupSetting(roleGroups);
  const roleGroupMembers = roleGroups.map((g) => g.members);
  ctx.progress(`${name}: sandboxes up in ${((Date.now() - started) / 1000).toFixed(1)} s (${users} Okta users, ${summary.inScopeIds.length} in scope)`);
  return {
    users,
    okta,
    wfm,
    inScopeIds: summary.inScopeIds,
    appUsers: summary.assignedIds.length,
    roleGroupMembers,
    env: (extra = {}) =>
      productEnv(okta, wfm, { REDIS_URL: ctx.redisUrl, QUEUE_PREFIX: `${ctx.prefix}-${name}`, SYNC_CRON: 'off', INCREMENTAL_CRON: 'off', OFFBOARD_CRON: 'off', SUPERVISOR_GROUPS: supervisorGroups, ...extra }),
    stop: async () => {
      await Promise.all([okta.stop(), wfm.stop()]);
    },
  };
}

const reportSchema = z
  .object({
    runId: z.string(),
    planned: z.record(z.string(), z.number()),
    applied: z.record(z.string(), z.number()),
    failed: z.array(z.unknown()),
    durationMs: z.number(),
    error: z.string().optional(),
  })
  .loose();
export type ReportSummary = z.infer<typeof reportSchema>;

/** One measured step: the process's usage, the calls it made, and the run's own report. */
export type Step = { usage: Usage; calls: Calls; report: ReportSummary | undefined; code: number | null; wfmPostArrivals: number[] };

/** Resets both request logs, runs the CLI command as its own process, and counts what it sent. */
export async function measureCli(ctx: BenchContext, t: Tenant, name: string, args: readonly string[], extraEnv: Record<string, string> = {}): Promise<Step> {
  await Promise.all([t.okta.resetRequests(), t.wfm.resetRequests()]);
  const { code, stdout, usage } = await runMeasured(args, t.env(extraEnv), { dir: ctx.dir, name });
  const [okta, wfm] = await Promise.all([t.okta.requests(), t.wfm.requests()]);
  // What was called, by method and path shape, for whoever wants to see where the calls went.
  writeFileSync(`${ctx.dir}/${name}.calls.json`, JSON.stringify({ okta: requestShapes(okta), wfm: requestShapes(wfm.filter((e) => e.api !== 'admin')) }, null, 1));
  const parsed = reportSchema.safeParse(safeJson(stdout[stdout.length - 1]));
  const wfmPostArrivals = wfm.filter((e) => e.api === 'scim' && e.method === 'POST').map((e) => e.at);
  return { usage, calls: countCalls(okta, wfm), report: parsed.success ? parsed.data : undefined, code, wfmPostArrivals };
}

function safeJson(line: string | undefined): unknown {
  try {
    return line === undefined ? undefined : (JSON.parse(line) as unknown);
  } catch {
    return undefined;
  }
}

/** The results the tables are made from. */
export type ScenarioRow = {
  users: number;
  scenario: string;
  usage: Usage;
  calls: Calls;
  minimum: Calls | undefined;
  verdict: Verdict;
  /** Users the run changed in the WFM (creates and updates applied). */
  changed: number;
  runMs: number | undefined;
};

/** A report that says the run stopped or some users failed makes the step's figures meaningless. */
export function runProblem(step: Step): string | undefined {
  if (step.report === undefined) return `no run report (exit code ${String(step.code)})`;
  if (step.report.error !== undefined) return `run stopped: ${step.report.error}`;
  if (step.report.failed.length > 0) return `${step.report.failed.length} users failed`;
  return undefined;
}
