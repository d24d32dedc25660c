import { mapPool } from '../sync/pool';
import { CALL_KINDS, fullRunMinimum, incrementalBudget, incrementalMinimum, totalCalls, type Calls } from './calls';
import { measureCli, runProblem, startTenant, type BenchContext, type ScenarioRow, type Step, type Tenant } from './context';
import type { Verdict } from './table';

export const CORE_SCENARIOS = ['initial', 'noop', 'incremental', 'one-percent'] as const;
export type CoreScenario = (typeof CORE_SCENARIOS)[number];

export const INCREMENTAL_CHANGES = 10;

const KIND_NAMES: Record<keyof Calls, string> = { okta: 'Okta', scimRead: 'SCIM reads', scimWrite: 'SCIM writes', userMgmt: 'user-mgmt' };

/** Evenly spread in-scope users, so that every change is a real write. */
export function spread(ids: readonly string[], count: number, offset: number): string[] {
  const step = Math.max(1, Math.floor(ids.length / Math.max(1, count)));
  const picked: string[] = [];
  for (let i = 0; i < count && i * step + offset < ids.length; i += 1) picked.push(ids[i * step + offset] ?? '');
  return picked;
}

/** Changes an attribute the mapping owns (department), through the Okta sandbox's admin route. */
async function changeInOkta(t: Tenant, ids: readonly string[], tag: string): Promise<void> {
  await mapPool(ids, 8, (id) => t.okta.updateProfile(id, { department: `Bench ${tag}` }));
}

/** Full runs: every kind of call equal to its minimum. */
export function fullRunVerdict(step: Step, minimum: Calls): Verdict {
  const problem = runProblem(step);
  if (problem) return { target: 'calls = minimum', met: false, detail: problem };
  const over = CALL_KINDS.filter((k) => step.calls[k] !== minimum[k]).map((k) => `${KIND_NAMES[k]} ${step.calls[k]} vs ${minimum[k]}`);
  return { target: 'calls = minimum', met: over.length === 0, ...(over.length > 0 ? { detail: over.join(', ') } : {}) };
}

export function incrementalVerdict(step: Step, changes: number): Verdict {
  const budget = incrementalBudget(changes);
  const target = `calls <= 8 x ${changes} + 5 = ${budget}, writes = ${changes}`;
  const problem = runProblem(step);
  if (problem) return { target, met: false, detail: problem };
  const total = totalCalls(step.calls);
  return { target, met: total <= budget && step.calls.scimWrite === changes, detail: `${total} calls` };
}

const changedBy = (step: Step): number => (step.report ? (step.report.applied.create ?? 0) + (step.report.applied.update ?? 0) + (step.report.applied.reactivate ?? 0) : 0);

function row(users: number, scenario: string, step: Step, minimum: Calls, verdict: Verdict): ScenarioRow {
  return { users, scenario, usage: step.usage, calls: step.calls, minimum, verdict, changed: changedBy(step), runMs: step.report?.durationMs };
}

/**
 * The four one-shot scenarios on one tenant, in an order that keeps each clean: initial (all
 * creates), no-op, incremental (after a baseline run; 10 changes), then 1 % changed. Each is
 * `okta-wfm-sync sync --once` in its own process. An unselected initial still runs (unreported)
 * when a later scenario needs the WFM filled.
 */
export async function runCoreScenarios(ctx: BenchContext, users: number, selected: ReadonlySet<CoreScenario>): Promise<ScenarioRow[]> {
  const name = `core-${users}`;
  const t = await startTenant(ctx, users, name);
  const rows: ScenarioRow[] = [];
  try {
    const pageSize = await t.wfm.pageSize();
    const facts = async () => ({ appUsers: t.appUsers, roleGroupMembers: t.roleGroupMembers, wfmUsers: await t.wfm.userCount(), scimPageSize: pageSize });
    const full = async (scenario: string, changed: number, args: readonly string[] = ['sync', '--once', '--json']): Promise<void> => {
      const minimum = fullRunMinimum(await facts(), changed);
      ctx.progress(`${name}: ${scenario}...`);
      const step = await measureCli(ctx, t, `${name}-${scenario}`, args);
      const r = row(users, scenario, step, minimum, fullRunVerdict(step, minimum));
      ctx.progress(`${name}: ${scenario} took ${(r.usage.wallMs / 1000).toFixed(1)} s, ${r.verdict.met ? 'calls at the minimum' : `calls: ${r.verdict.detail ?? ''}`}`);
      if (selected.has(scenario as CoreScenario)) rows.push(r);
    };

    await full('initial', t.inScopeIds.length);
    if (selected.has('noop')) await full('noop', 0);
    if (selected.has('incremental')) {
      ctx.progress(`${name}: incremental baseline (its first run is a full sync; not reported)...`);
      await measureCli(ctx, t, `${name}-incremental-baseline`, ['sync', '--once', '--incremental', '--json']);
      await changeInOkta(t, spread(t.inScopeIds, INCREMENTAL_CHANGES, 1), 'incremental');
      ctx.progress(`${name}: incremental with ${INCREMENTAL_CHANGES} changed users...`);
      const step = await measureCli(ctx, t, `${name}-incremental`, ['sync', '--once', '--incremental', '--json']);
      const usage = step.code === 2 ? 'the incremental sync is not available in this build' : undefined;
      const verdict = usage ? { target: incrementalVerdict(step, INCREMENTAL_CHANGES).target, met: undefined, detail: usage } : incrementalVerdict(step, INCREMENTAL_CHANGES);
      rows.push(row(users, 'incremental', step, incrementalMinimum(INCREMENTAL_CHANGES), verdict));
    }
    if (selected.has('one-percent')) {
      const count = Math.max(1, Math.round(users / 100));
      await changeInOkta(t, spread(t.inScopeIds, count, 0), 'one-percent');
      await full('one-percent', count);
    }
  } finally {
    await t.stop();
  }
  return rows;
}
