import { parseArgs } from 'node:util';
import { startOktaSandbox } from './server';

export const USAGE = `Usage: node dist/sandbox/okta/main.js [options]

Starts the sandbox Okta (the Okta Management API, on loopback) and prints one JSON line,
{"url", "appId", "token"}, once it listens. It runs until stopped (Ctrl-C).

Options:
  --port <n>                port to listen on; 0, the default, picks a free one
  --host <address>          address to listen on (default 127.0.0.1)
  --users <n>               users to generate into the org (default 0)
  --seed <n>                seed of the generated org (default 42)
  --token <token>           API token it accepts (default sandbox-okta-token)
  --app-id <id>             id of the app the users are assigned to (default 0oawfmapp0000000001)
  --supervisor-group <name> name of the supervisors' group (default WFM Supervisors)
  --help                    print this help
`;

/** Runs the sandbox Okta on its own: node dist/sandbox/okta/main.js --port 0 --users 500 --seed 42 */
async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      users: { type: 'string', default: '0' },
      seed: { type: 'string', default: '42' },
      token: { type: 'string' },
      'app-id': { type: 'string' },
      'supervisor-group': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const number = (name: string, raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got '${raw}'`);
    return n;
  };
  const sandbox = await startOktaSandbox({
    port: number('port', values.port),
    host: values.host,
    users: number('users', values.users),
    seed: number('seed', values.seed),
    ...(values.token ? { token: values.token } : {}),
    ...(values['app-id'] ? { appId: values['app-id'] } : {}),
    ...(values['supervisor-group'] ? { supervisorGroup: values['supervisor-group'] } : {}),
  });
  process.stdout.write(`${JSON.stringify({ url: sandbox.url, appId: sandbox.appId, token: sandbox.token })}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`sandbox okta: ${err instanceof Error ? err.message : String(err)} (see --help)\n`);
    process.exitCode = 2;
  });
}
