import { ExitError, EXIT, redisDownMessage, type CommandModule } from '../cli-context';
import { httpExposureProblem } from '../auth';
import { createLogger } from '../logger';
import { installShutdown } from '../main';
import { startWorker } from '../runtime';
import { redisAnswers } from '../../store/redis';

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
        if (!(await redisAnswers(config.redis.seeds))) {
          ctx.io.stderr(redisDownMessage(config.redis));
          throw new ExitError(EXIT.failed);
        }
        const logger = createLogger({ level: config.logLevel });
        const handle = await startWorker(config, logger, { http: opts.http });
        const code = await installShutdown(() => handle.close(), logger);
        logger.info('worker stopped');
        logger.close();
        ctx.setCode(code);
      });
  },
};
