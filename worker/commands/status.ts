import { createQueues } from '../queues';
import { EXIT, type CommandModule } from '../cli-context';

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
            ctx.io.stdout(runs.length > 0 ? 'Last runs:' : 'No runs yet.');
            for (const r of runs) {
              const result = r.error !== undefined ? `stopped: ${r.error}` : r.failed.length > 0 ? `${r.failedTotal ?? r.failed.length} failed` : 'ok';
              const a = r.applied;
              ctx.io.stdout(`  ${r.startedAt}  ${r.runId}${r.dryRun ? ' (dry run)' : ''}  +${a.create} ~${a.update} ^${a.reactivate} -${a.deactivate}  ${result}`);
            }
          } finally {
            await queues.close();
          }
        });
      });
  },
};
