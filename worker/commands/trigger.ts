import type { Command } from 'commander';
import { newRunId } from '../main';
import { createQueues } from '../queues';
import { safe } from '../../sync/printable';
import { missingOktaUser, NO_WORKER, triggerRun, withWorkerCheck } from '../triggers';
import { EXIT, type CommandModule } from '../cli-context';

type ResyncOptions = { user?: string; dryRun?: boolean; json?: boolean };

export const triggerCommand: CommandModule = {
  register(program: Command, ctx) {
    const trigger = program.command('trigger').description('Ask the workers for a run now.');
    trigger
      .command('resync')
      .description('Queue a resync of everyone, or of one user; answers the run id (a running or waiting run of the same kind absorbs it).')
      .option('--user <login>', 'only this Okta user (login or id)')
      .option('--dry-run', 'plan and report, write nothing')
      .option('--json', 'print {runId, coalesced} as JSON (with noWorker: true when no worker is running)')
      .action(async (opts: ResyncOptions) => {
        // Trimmed as the HTTP trigger trims it; an empty one is a mistake, not "everyone".
        const user = opts.user?.trim();
        if (user === '') {
          ctx.io.stderr('okta-wfm-sync trigger resync: --user takes an Okta login or id; leave it out to resync everyone.');
          ctx.setCode(EXIT.usage);
          return;
        }
        await ctx.withApp(async (app, config) => {
          const missing = user !== undefined ? await missingOktaUser(app.deps.okta, user) : undefined;
          if (missing !== undefined) {
            ctx.io.stderr(`okta-wfm-sync trigger resync: ${safe(missing)}; nothing queued.`);
            ctx.setCode(EXIT.failed);
            return;
          }
          const queues = createQueues(config);
          try {
            const kind = user !== undefined ? 'resync-user' : 'full-sync';
            const queued = await triggerRun(queues, newRunId, { kind, ...(user !== undefined ? { user } : {}), dryRun: Boolean(opts.dryRun), reason: 'cli' });
            const result = await withWorkerCheck(queues, kind, queued);
            const idle = result.noWorker ? `, but ${NO_WORKER}` : '';
            ctx.io.stdout(
              opts.json
                ? JSON.stringify(result)
                : result.coalesced
                  ? `A run of this kind is already waiting or running: ${result.runId}${result.noWorker ? `; ${NO_WORKER}` : ''}`
                  : `Queued ${result.runId}${idle}. Follow it with: okta-wfm-sync status`,
            );
          } finally {
            await queues.close();
          }
        });
      });
  },
};
