#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { describeError } from '../clients/errors';
import { withNextStep } from '../jobs/next-step';
import { createCommandContext, EXIT, ExitError, type CliIo, type CommandModule } from './cli-context';
import { approveCommand } from './commands/approve';
import { auditCommand } from './commands/audit';
import { checkCommand } from './commands/check';
import { explainCommand } from './commands/explain';
import { exportCommand } from './commands/export';
import { offboardCommand } from './commands/offboard';
import { planCommand } from './commands/plan';
import { statusCommand } from './commands/status';
import { syncCommand } from './commands/sync';
import { triggerCommand } from './commands/trigger';
import { workerCommand } from './commands/worker';
import { createStatusLine } from './status-line';

export { EXIT, type CliIo } from './cli-context';

/** Every command of the CLI, one module each. */
const COMMANDS: readonly CommandModule[] = [
  checkCommand,
  syncCommand,
  planCommand,
  explainCommand,
  exportCommand,
  workerCommand,
  triggerCommand,
  statusCommand,
  offboardCommand,
  approveCommand,
  auditCommand,
];

export function buildProgram(io: CliIo, setCode: (code: number) => void): Command {
  const program = new Command('okta-wfm-sync')
    .description('Keeps WFM user profiles in step with Okta.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s.replace(/\n$/, '')),
      writeErr: (s) => io.stderr(s.replace(/\n$/, '')),
    });
  const ctx = createCommandContext(io, setCode);
  for (const command of COMMANDS) command.register(program, ctx);
  return program;
}

/** Runs the CLI and answers its exit code: 0 ok, 1 some users failed, 2 configuration or usage, 3 guard. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof ExitError) return err.code;
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    reportUnexpected(io, err);
    return EXIT.failed;
  }
  return code;
}

/**
 * An error no command handled: one line that says what to do next. The stack is for developers:
 * printed only at LOG_LEVEL=debug.
 */
export function reportUnexpected(io: CliIo, err: unknown): void {
  const debug = io.env.LOG_LEVEL?.trim() === 'debug';
  io.stderr(`okta-wfm-sync: ${debug ? describeError(err) : withNextStep(err)}`);
  if (debug && err instanceof Error && err.stack !== undefined) io.stderr(err.stack);
}

if (require.main === module) {
  const statusLine = process.stderr.isTTY ? createStatusLine((raw) => process.stderr.write(raw)) : undefined;
  const io: CliIo = {
    env: process.env,
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => (statusLine ? statusLine.print(line) : process.stderr.write(`${line}\n`)),
    ...(statusLine ? { statusLine } : {}),
  };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      reportUnexpected(io, err);
      process.exitCode = EXIT.failed;
    },
  );
}
