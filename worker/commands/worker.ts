import type { Logger } from 'winston';
import { ExitError, EXIT, requireRedis, type CommandModule } from '../cli-context';
import { httpExposureProblem } from '../auth';
import { HttpListenError } from '../http';
import { createLogger } from '../logger';
import { installShutdown } from '../main';
import { startWorker } from '../runtime';

/** Resolves once the logger has handed every line on (stderr writes synchronously to a file or pipe). */
function flushed(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    logger.once('finish', () => resolve());
    logger.end();
  });
}

export const workerCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('worker')
      .description('Run the long-lived worker: schedules, queued runs and writes, HTTP health, metrics, API and dashboard.')
      .option('--no-http', 'do not start the HTTP server')
      .action(async (opts: { http: boolean }) => {
        const config = ctx.config();
        const exposure = httpExposureProblem(config.http);
        if (opts.http && exposure) {
          ctx.io.stderr(`okta-wfm-sync: the configuration is not usable:\n  ${exposure}`);
          throw new ExitError(EXIT.usage);
        }
        await requireRedis(ctx.io, config.redis);
        const logger = createLogger({ level: config.logLevel });
        const handle = await startWorker(config, logger, { http: opts.http }).catch((err: unknown) => {
          if (!(err instanceof HttpListenError)) throw err;
          ctx.io.stderr(`okta-wfm-sync: the HTTP server cannot start:\n  ${err.message}`);
          throw new ExitError(EXIT.usage);
        });
        const code = await installShutdown(() => handle.close(), logger);
        logger.info('worker stopped');
        await flushed(logger);
        // A job cut off at SHUTDOWN_TIMEOUT_MS may still hold sockets and timers: they must not keep a stopped worker up.
        process.exit(code);
      });
  },
};
