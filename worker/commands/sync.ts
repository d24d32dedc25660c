import { runFullSync } from '../../jobs/full-sync';
import { runIncrementalSync } from '../../jobs/incremental-sync';
import { exitCodeOf, summarise } from '../../sync/report';
import { EXIT, type CommandModule } from '../cli-context';

type SyncOptions = { once?: boolean; incremental?: boolean; dryRun?: boolean; json?: boolean };

export const syncCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('sync')
      .description('Reconcile every in-scope Okta user into the WFM.')
      .option('--once', 'run one full sync now, in this process, and exit')
      .option('--incremental', 'with --once: only what changed in Okta since the last incremental run (a full sync the first time)')
      .option('--dry-run', 'plan and report, write nothing to the WFM')
      .option('--json', 'print the run report as JSON on the last line of stdout')
      .action(async (opts: SyncOptions) => {
        if (!opts.once) {
          ctx.io.stderr('okta-wfm-sync sync: pass --once to run one sync now (scheduled runs belong to the worker).');
          ctx.setCode(EXIT.usage);
          return;
        }
        const code = await ctx.withApp(async (app) => {
          const run = opts.incremental ? runIncrementalSync : runFullSync;
          const { report, fatal } = await ctx.withProgress(app.deps, (deps) => run(deps, { dryRun: Boolean(opts.dryRun) }));
          ctx.io.stdout(opts.json ? JSON.stringify(report) : summarise(report));
          return fatal?.kind === 'config' ? EXIT.usage : exitCodeOf(report);
        });
        ctx.setCode(code);
      });
  },
};
