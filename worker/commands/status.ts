import type { RunReport } from '../../sync/report';
import { safe } from '../../sync/printable';
import { createQueues } from '../queues';
import { readSchedules, type ScheduleState } from '../schedules';
import { EXIT, type CommandModule } from '../cli-context';

/**
 * One run as `status` lists it. A real run shows the writes it made; a dry run made none, and
 * shows what it would have done (its plan), marked so a preview is never read as writes done.
 */
export function runLine(r: RunReport): string {
  const warned = r.warnings !== undefined && r.warnings.length > 0 ? `, ${r.warnings.length} warning${r.warnings.length > 1 ? 's' : ''}` : '';
  const result = (r.error !== undefined ? `stopped: ${safe(r.error)}` : r.failed.length > 0 ? `${r.failedTotal ?? r.failed.length} failed` : 'ok') + warned;
  const counts = r.dryRun ? r.planned : r.applied;
  const changes = `+${counts.create} ~${counts.update} ^${counts.reactivate} -${counts.deactivate}`;
  return `  ${r.startedAt}  ${r.runId}  ${r.dryRun ? `dry run, would: ${changes}` : changes}  ${result}`;
}

/** One schedule as `status` lists it: its cron and when it next fires, or that none is set. */
export function scheduleLine(s: ScheduleState): string {
  const when = s.pattern !== undefined ? `${s.pattern}${s.tz !== undefined ? ` (${s.tz})` : ''}${s.next !== undefined ? `, next at ${s.next}` : ''}` : 'none';
  return `  ${s.kind.padEnd(17)} ${when}`;
}

/** The legend above the queue counts: what `delayed` holds. */
export const QUEUES_HEADING = 'Queues (waiting / active / delayed / failed / completed; delayed: the next scheduled runs, writes waiting to retry):';

/** The legend above the runs. */
export const RUNS_HEADING = 'Last runs (+ created, ~ updated, ^ reactivated, - deactivated; a dry run wrote nothing: what it would do):';

export const statusCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('status')
      .description('Print the last runs and the queue counts.')
      .option('--limit <n>', 'how many runs', '10')
      .option('--json', 'print JSON')
      .action(async (opts: { limit: string; json?: boolean }) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
          ctx.io.stderr('okta-wfm-sync status: --limit takes a whole number from 1 to 100 (the runs kept).');
          ctx.setCode(EXIT.usage);
          return;
        }
        await ctx.withApp(async (app, config) => {
          const queues = createQueues(config);
          try {
            const runs = await app.deps.history.list(limit);
            const counts: Record<string, Record<string, number>> = {};
            for (const q of queues.all) counts[q.name] = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
            const schedules = await readSchedules(queues);
            if (opts.json) {
              ctx.io.stdout(JSON.stringify({ runs, queues: counts, schedules }));
              return;
            }
            ctx.io.stdout('Schedules (a worker sets them from SYNC_CRON, INCREMENTAL_CRON and OFFBOARD_CRON when it starts):');
            for (const schedule of schedules) ctx.io.stdout(scheduleLine(schedule));
            ctx.io.stdout(QUEUES_HEADING);
            for (const [name, c] of Object.entries(counts)) {
              ctx.io.stdout(`  ${name.padEnd(12)} ${c.waiting} / ${c.active} / ${c.delayed} / ${c.failed} / ${c.completed}`);
            }
            ctx.io.stdout(runs.length > 0 ? RUNS_HEADING : 'No runs yet.');
            for (const r of runs) ctx.io.stdout(runLine(r));
          } finally {
            await queues.close();
          }
        });
      });
  },
};
