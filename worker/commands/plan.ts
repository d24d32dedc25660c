import { runFullSync } from '../../jobs/full-sync';
import type { Action } from '../../sync/types';
import { EXIT, oneOutputFormat, type CommandModule } from '../cli-context';
import { planCsv, planJson, planText } from '../plan-view';

type PlanOptions = { json?: boolean; csv?: boolean };

export const planCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('plan')
      .description('Show what the next full run would do (a dry run: reads Okta and the WFM, writes nothing), grouped by action, with the changed fields.')
      .option('--json', 'print the plan as one JSON object')
      .option('--csv', 'print the plan as CSV, one line per changed field')
      .action(async (opts: PlanOptions) => {
        if (!oneOutputFormat(ctx, 'plan', opts)) return;
        const code = await ctx.withApp(async (app) => {
          let actions: readonly Action[] = [];
          const { report, fatal } = await ctx.withProgress(app.deps, (deps) =>
            runFullSync(deps, { dryRun: true }, {
              onPlan: (planned) => {
                actions = planned;
              },
            }),
          );
          if (fatal) {
            ctx.io.stderr(`okta-wfm-sync plan: ${fatal.message}`);
            return fatal.kind === 'config' ? EXIT.usage : EXIT.failed;
          }
          const view = { report, actions };
          if (opts.json) ctx.io.stdout(planJson(view));
          else for (const line of opts.csv ? planCsv(view) : planText(view)) ctx.io.stdout(line);
          return EXIT.ok;
        });
        ctx.setCode(code);
      });
  },
};
