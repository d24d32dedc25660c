import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { AppConfig } from '../config/app-config';
import { ConfigError, loadConfig } from '../config/load-config';
import type { JobDeps } from '../jobs/deps';
import { redisPing } from '../store/redis';
import { createLogger } from './logger';
import { buildApp, type App } from './main';
import { createProgressReporter } from './progress';
import { statusLineStream, type StatusLine } from './status-line';
import { unknownSettings } from '../config/unknown-settings';

export type CliIo = {
  env: Readonly<Record<string, string | undefined>>;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Present when stderr is a terminal: progress is drawn there, and logs print above it. */
  statusLine?: StatusLine;
  /** The working directory, where a `.env` file is looked for when settings are missing (default: the process's). */
  cwd?: string;
};

/** Said when settings are missing beside a `.env` file, which only docker compose reads. */
export const ENV_FILE_HINT =
  'A .env file is in this directory, but okta-wfm-sync reads its settings from the environment only (docker compose reads .env for its containers): export them, or have Node read the file, e.g. `node --env-file=.env dist/worker/cli.js check` in a clone.';

export const EXIT = { ok: 0, failed: 1, usage: 2, guard: 3 } as const;

/** Thrown to end the CLI with an exit code after the message was printed. */
export class ExitError extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** What every command gets: the streams, the exit code setter and the app, built on demand. */
export type CommandContext = {
  io: CliIo;
  setCode(code: number): void;
  /** The configuration, or exit 2 with one line per problem. */
  config(): AppConfig;
  /** Checks Redis, builds the app, runs `fn`, closes everything. */
  withApp<T>(fn: (app: App, config: AppConfig) => Promise<T>): Promise<T>;
  /** Runs `fn` with deps that report the run's progress: a status line on a TTY, log lines off one. */
  withProgress<T>(deps: JobDeps, fn: (deps: JobDeps) => Promise<T>): Promise<T>;
};

export type CommandModule = { register(program: Command, ctx: CommandContext): void };

/** Refuses `--csv` with `--json` (exit 2, naming the command); true when the options are usable. */
export function oneOutputFormat(ctx: CommandContext, command: string, opts: { json?: boolean; csv?: boolean }): boolean {
  if (!(opts.csv && opts.json)) return true;
  ctx.io.stderr(`okta-wfm-sync ${command}: pass --csv or --json, not both.`);
  ctx.setCode(EXIT.usage);
  return false;
}

/** Hides a URL's user and password before it is printed (up to the last @: a password may hold one). */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/?#]*@/, '//***@');
}

/** REDIS_URL as it may be printed: its URL, or a cluster's seeds, credentials hidden. */
export const shownRedis = (redis: AppConfig['redis']): string => redis.seeds.map(redactUrl).join(', ');

/** Start-up found no Redis at REDIS_URL, or one that refused us: its URL, or each seed of a cluster's list, credentials hidden. */
function redisDownMessage(redis: AppConfig['redis'], refused?: string): string {
  const at = shownRedis(redis);
  if (refused !== undefined) return `okta-wfm-sync: Redis at REDIS_URL (${at}) ${refused}.`;
  if (redis.seeds.length > 1) return `okta-wfm-sync: Redis does not answer at REDIS_URL: none of its seeds answers (${at}). Start the cluster's nodes, or set REDIS_URL.`;
  return `okta-wfm-sync: Redis does not answer at REDIS_URL (${at}). Start one, e.g. \`redis-server --daemonize yes\`, or set REDIS_URL.`;
}

/** Stops the command (exit 1, saying why) unless Redis answers at REDIS_URL and takes us. */
export async function requireRedis(io: Pick<CliIo, 'stderr'>, redis: AppConfig['redis']): Promise<void> {
  const ping = await redisPing(redis.seeds);
  if (ping === 'answers') return;
  io.stderr(redisDownMessage(redis, ping === 'down' ? undefined : ping.refused));
  throw new ExitError(EXIT.failed);
}

export function createCommandContext(io: CliIo, setCode: (code: number) => void): CommandContext {
  let cached: AppConfig | undefined;
  const config = (): AppConfig => {
    if (cached) return cached;
    try {
      cached = loadConfig(io.env);
      for (const line of unknownSettings(io.env)) io.stderr(`okta-wfm-sync: warning: ${line}`);
      return cached;
    } catch (err) {
      if (err instanceof ConfigError) {
        io.stderr('okta-wfm-sync: the configuration is not usable:');
        for (const p of err.problems) io.stderr(`  ${p}`);
        if (err.problems.some((p) => p.includes(': is required')) && existsSync(join(io.cwd ?? process.cwd(), '.env'))) io.stderr(ENV_FILE_HINT);
        throw new ExitError(EXIT.usage);
      }
      throw err;
    }
  };
  return {
    io,
    setCode,
    config,
    async withApp(fn) {
      const cfg = config();
      await requireRedis(io, cfg.redis);
      const logger = createLogger({ level: cfg.logLevel, ...(io.statusLine ? { stream: statusLineStream(io.statusLine) } : {}) });
      const app = buildApp(cfg, logger);
      try {
        return await fn(app, cfg);
      } finally {
        await app.close();
        logger.close();
      }
    },
    async withProgress(deps, fn) {
      const progress = createProgressReporter({
        ...(io.statusLine ? { tty: io.statusLine } : {}),
        log: (message, meta) => deps.logger.info(message, meta),
        now: () => Date.now(),
      });
      try {
        return await fn({ ...deps, onProgress: (e) => progress.update(e) });
      } finally {
        progress.stop();
      }
    },
  };
}
