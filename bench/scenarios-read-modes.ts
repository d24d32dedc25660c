import { fullRunMinimum, type Calls } from './calls';
import { measureCli, runProblem, startTenant, type BenchContext } from './context';
import type { Usage } from './processes';

export const READ_MODES = ['list', 'lookup'] as const;
export type ReadMode = (typeof READ_MODES)[number];

export type ReadModeRow = {
  users: number;
  mode: ReadMode;
  scenario: 'initial' | 'noop';
  usage: Usage;
  runMs: number | undefined;
  calls: Calls;
  /** The minimum of a full run that lists the WFM, for comparison. */
  listMinimum: Calls;
  problem: string | undefined;
};

/**
 * The two WFM read modes side by side on the same tenant: an initial sync (empty WFM) and a no-op
 * resync, once listing the WFM (WFM_READ_MODE=list) and once looking up each user by filter
 * (WFM_READ_MODE=lookup, for a WFM that refuses plain listing).
 */
export async function runReadModes(ctx: BenchContext, users: number): Promise<ReadModeRow[]> {
  const t = await startTenant(ctx, users, `read-modes-${users}`);
  const rows: ReadModeRow[] = [];
  try {
    const pageSize = await t.wfm.pageSize();
    for (const mode of READ_MODES) {
      await t.wfm.clear();
      for (const scenario of ['initial', 'noop'] as const) {
        const wfmUsers = await t.wfm.userCount();
        const changed = scenario === 'initial' ? t.inScopeIds.length : 0;
        ctx.progress(`read-modes-${users}: ${scenario}, WFM_READ_MODE=${mode}...`);
        const step = await measureCli(ctx, t, `read-modes-${users}-${mode}-${scenario}`, ['sync', '--once', '--json'], { WFM_READ_MODE: mode });
        rows.push({
          users,
          mode,
          scenario,
          usage: step.usage,
          runMs: step.report?.durationMs,
          calls: step.calls,
          listMinimum: fullRunMinimum({ appUsers: t.appUsers, roleGroupMembers: t.roleGroupMembers, wfmUsers, scimPageSize: pageSize }, changed),
          problem: runProblem(step),
        });
      }
    }
  } finally {
    await t.stop();
  }
  return rows;
}
