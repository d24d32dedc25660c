import { parseArgs } from 'node:util';
import { startOktaSandbox } from './server';

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
    },
    strict: true,
  });
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

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`sandbox okta: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
