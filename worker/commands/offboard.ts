import { runOffboard, type OffboardOutcome } from '../../jobs/offboard';
import { exitCodeOf, summarise } from '../../sync/report';
import { EXIT, type CommandContext, type CommandModule } from '../cli-context';

type OffboardOptions = { once?: boolean; dryRun?: boolean; json?: boolean };

/** Prints an off-boarding run's report and answers its exit code (shared with `approve`). */
export function reportOffboard(ctx: CommandContext, command: string, outcome: OffboardOutcome, json: boolean, usageKinds: readonly string[]): number {
  const { report, fatal, guard } = outcome;
  ctx.io.stdout(json ? JSON.stringify(report) : summarise(report));
  // With --json stdout is for machines; the person still gets the one line that says what to do.
  if (json && (guard || fatal)) ctx.io.stderr(`okta-wfm-sync ${command}: ${guard?.message ?? fatal?.message ?? ''}`);
  if (fatal && usageKinds.includes(fatal.kind)) return EXIT.usage;
  return exitCodeOf(report, guard !== undefined);
}

export const offboardCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('offboard')
      .description('Deactivate the WFM users whose Okta user left scope (guarded; through the WFM user-management API).')
      .option('--once', 'run one off-boarding now, in this process, and exit')
      .option('--dry-run', 'plan, re-check and report, deactivate nothing')
      .option('--json', 'print the run report as JSON on the last line of stdout')
      .action(async (opts: OffboardOptions) => {
        if (!opts.once) {
          ctx.io.stderr('okta-wfm-sync offboard: pass --once to run one off-boarding now (scheduled runs belong to the worker).');
          ctx.setCode(EXIT.usage);
          return;
        }
        const code = await ctx.withApp(async (app) => {
          const outcome = await ctx.withProgress(app.deps, (deps) => runOffboard(deps, { dryRun: Boolean(opts.dryRun) }));
          return reportOffboard(ctx, 'offboard', outcome, Boolean(opts.json), ['config']);
        });
        ctx.setCode(code);
      });
  },
};
