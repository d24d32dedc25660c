import type { RunReport } from '../../sync/report';
import { safe } from '../../sync/printable';
import { createQueues } from '../queues';
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
            if (opts.json) {
              ctx.io.stdout(JSON.stringify({ runs, queues: counts }));
              return;
            }
            ctx.io.stdout('Queues (waiting / active / delayed / failed / completed):');
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
