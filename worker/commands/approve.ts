import { runOffboard } from '../../jobs/offboard';
import { PLAN_ID } from '../../store/offboard-plans';
import { EXIT, type CommandModule } from '../cli-context';
import { reportOffboard } from './offboard';

type ApproveOptions = { dryRun?: boolean; json?: boolean };

export const approveCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('approve')
      .argument('<planId>', 'the plan id an off-boarding run printed when its guard stopped it')
      .description('Apply exactly the off-boarding plan a guard stopped, re-checking each user in Okta first.')
      .option('--dry-run', 're-check and report, deactivate nothing')
      .option('--json', 'print the run report as JSON on the last line of stdout')
      .action(async (planId: string, opts: ApproveOptions) => {
        if (!PLAN_ID.test(planId)) {
          ctx.io.stderr(`okta-wfm-sync approve: "${planId.slice(0, 100)}" is not a plan id; copy the planId an offboard run printed (e.g. plan-20261128T213000Z-1a2b3c).`);
          ctx.setCode(EXIT.usage);
          return;
        }
        const code = await ctx.withApp(async (app) => {
          const outcome = await ctx.withProgress(app.deps, (deps) => runOffboard(deps, { dryRun: Boolean(opts.dryRun), planId }));
          // An unknown or expired plan is a usage error: nothing was tried.
          return reportOffboard(ctx, 'approve', outcome, Boolean(opts.json), ['config', 'not-found']);
        });
        ctx.setCode(code);
      });
  },
};
