#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig, type AppConfig } from '../config/load-config';
import { runFullSync } from '../jobs/full-sync';
import { redisAnswers } from '../store/redis';
import { exitCodeOf, summarise } from '../sync/report';
import { createLogger } from './logger';
import { buildApp } from './main';

export type CliIo = {
  env: Readonly<Record<string, string | undefined>>;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
};

export const EXIT = { ok: 0, failed: 1, usage: 2, guard: 3 } as const;

class ExitError extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function configOrExit(io: CliIo): AppConfig {
  try {
    return loadConfig(io.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr('okta-wfm-sync: the configuration is not usable:');
      for (const p of err.problems) io.stderr(`  ${p}`);
      throw new ExitError(EXIT.usage);
    }
    throw err;
  }
}

async function syncOnce(io: CliIo, opts: { once?: boolean; dryRun?: boolean; json?: boolean }): Promise<number> {
  if (!opts.once) {
    io.stderr('okta-wfm-sync sync: pass --once to run one sync now (scheduled runs belong to the worker).');
    return EXIT.usage;
  }
  const config = configOrExit(io);
  if (!(await redisAnswers(config.redis.url))) {
    io.stderr(`okta-wfm-sync: Redis does not answer at REDIS_URL (${redactUrl(config.redis.url)}). Start one, e.g. \`redis-server --daemonize yes\`, or set REDIS_URL.`);
    return EXIT.failed;
  }
  const logger = createLogger({ level: config.logLevel });
  const app = buildApp(config, logger);
  try {
    const { report, fatal } = await runFullSync(app.deps, { dryRun: Boolean(opts.dryRun) });
    if (opts.json) io.stdout(JSON.stringify(report));
    else io.stdout(summarise(report));
    if (fatal?.kind === 'config') return EXIT.usage;
    return exitCodeOf(report);
  } finally {
    await app.close();
    logger.close();
  }
}

/** Hides a password in a Redis URL before it is printed. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

export function buildProgram(io: CliIo, setCode: (code: number) => void): Command {
  const program = new Command('okta-wfm-sync')
    .description('Keeps WFM user profiles in step with Okta.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s.replace(/\n$/, '')),
      writeErr: (s) => io.stderr(s.replace(/\n$/, '')),
    });
  program
    .command('sync')
    .description('Reconcile every in-scope Okta user into the WFM.')
    .option('--once', 'run one full sync now and exit')
    .option('--dry-run', 'plan and report, write nothing to the WFM')
    .option('--json', 'print the run report as JSON on the last line of stdout')
    .action(async (opts: { once?: boolean; dryRun?: boolean; json?: boolean }) => {
      setCode(await syncOnce(io, opts));
    });
  return program;
}

/** Runs the CLI and answers its exit code: 0 ok, 1 some users failed, 2 configuration or usage, 3 guard. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof ExitError) return err.code;
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.stderr(`okta-wfm-sync: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.failed;
  }
  return code;
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    env: process.env,
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`okta-wfm-sync: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
