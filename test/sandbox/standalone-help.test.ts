import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DIST = join(__dirname, '..', '..', 'dist', 'sandbox');

/** The sandboxes started on their own, as the README has a newcomer do (dist/ built by `pretest`). */
describe.each([
  ['okta', ['--port', '--host', '--users', '--seed', '--token', '--app-id', '--supervisor-group']],
  ['wfm', ['--port', '--host', '--max-page-size', '--latency-ms', '--filter-required', '--no-etags', '--token-ttl-seconds', '--scim-token', '--disabled-attributes', '--pagination']],
])('sandbox %s on its own', (name, options) => {
  const main = join(DIST, name, 'main.js');

  it('--help prints its usage and every option on stdout, exits 0 and starts nothing', async () => {
    const { stdout, stderr } = await run(process.execPath, [main, '--help'], { timeout: 10_000 });
    expect(stdout).toMatch(new RegExp(`^Usage: node dist/sandbox/${name}/main\\.js \\[options\\]\\n`));
    for (const option of options) expect([option, stdout.includes(`  ${option} `)]).toEqual([option, true]);
    expect(stdout).not.toContain('"url":');
    expect(stderr).toBe('');
  });

  it('an unknown option exits 2 with one line that points to --help', async () => {
    const failed = await run(process.execPath, [main, '--bogus'], { timeout: 10_000 }).then(
      () => undefined,
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toBe(`sandbox ${name}: Unknown option '--bogus' (see --help)\n`);
  });
});
