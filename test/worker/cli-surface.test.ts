import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../../jobs/queue-names';
import { runCli } from '../../worker/cli';
import { validEnv } from '../helpers/env';
import { REDIS_URL } from '../helpers/harness';
import { AWKWARD_LOGINS } from '../helpers/awkward-logins';

/** The CLI as an operator meets it: awkward logins, bad options, help, exit codes and --json. */
describe('the CLI surface', () => {
  const prefix = `okta-wfm-test-${randomBytes(4).toString('hex')}`;
  const env = validEnv({ REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'debug' });
  let connection: Redis;
  let queue: Queue;
  beforeAll(() => {
    connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUE_NAMES.sync, { connection, prefix });
  });
  afterAll(async () => {
    await queue.close();
    const keys = await connection.keys(`${prefix}:*`);
    if (keys.length > 0) await connection.del(...keys);
    await connection.quit();
  });

  const cli = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { env, stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
    return { code, out, err };
  };

  it.each(AWKWARD_LOGINS)('trigger resync --user with %s queues that user, trimmed, and prints JSON on stdout only', async (_name, user, expected) => {
    const res = await cli(['trigger', 'resync', '--user', user, '--dry-run', '--json']);
    expect(res.code).toBe(0);
    expect(res.out).toHaveLength(1);
    const result = JSON.parse(res.out[0] ?? '') as { runId: string; coalesced: boolean };
    expect(result.coalesced).toBe(false);
    const job = await queue.getJob(result.runId);
    expect(job?.name).toBe('resync-user');
    expect(job?.data).toEqual({ dryRun: true, runId: result.runId, user: expected });
  });

  it('trigger resync says when no worker listens on the queue (exit 0: it is queued), and not once one does', async () => {
    const user = `idle-${randomBytes(3).toString('hex')}@example.com`;
    const first = await cli(['trigger', 'resync', '--user', user]);
    expect(first.code).toBe(0);
    expect(first.out).toEqual([expect.stringMatching(/^Queued \S+, but no worker is running: it will run when one starts \(okta-wfm-sync worker\)\. Follow it with: okta-wfm-sync status$/)]);
    const again = await cli(['trigger', 'resync', '--user', user, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out[0] ?? '')).toEqual({ runId: expect.any(String), coalesced: true, noWorker: true });
    const worker = new Worker(QUEUE_NAMES.sync, async () => undefined, { connection: { url: REDIS_URL }, prefix, autorun: false });
    try {
      await worker.waitUntilReady();
      const listened = await cli(['trigger', 'resync', '--user', `listened-${user}`]);
      expect(listened.code).toBe(0);
      expect(listened.out).toEqual([expect.stringMatching(/^Queued \S+\. Follow it with: okta-wfm-sync status$/)]);
      expect((await cli(['trigger', 'resync', '--user', `listened-${user}`])).out).toEqual([expect.stringMatching(/^A run of this kind is already waiting or running: \S+$/)]);
    } finally {
      await worker.close();
    }
  });

  it.each([[''], ['   ']])('trigger resync --user %j is a usage error (exit 2), not a resync of everyone', async (user) => {
    const before = await queue.count();
    const res = await cli(['trigger', 'resync', '--user', user, '--json']);
    expect(res.code).toBe(2);
    expect(res.out).toEqual([]);
    expect(res.err.join('\n')).toMatch(/--user takes an Okta login or id/);
    expect(await queue.count()).toBe(before);
  });

  it.each([
    [['trigger', 'resync', '--bogus'], /unknown option '--bogus'/],
    [['trigger', 'resync', '--user'], /argument missing/],
    [['trigger', 'resync', 'extra'], /too many arguments/],
    [['trigger', 'bogus'], /unknown command 'bogus'/],
    [['sync', '--once', '--bogus'], /unknown option '--bogus'/],
    [['status', '--limit', 'abc'], /--limit takes a whole number from 1 to 100/],
    [['status', '--limit', '0'], /--limit takes a whole number from 1 to 100/],
    [['status', '--limit', '2.5'], /--limit takes a whole number from 1 to 100/],
    [['audit', '--limit', 'abc'], /--limit takes a whole number/],
  ])('%j is refused with exit 2 and a message on stderr', async (args, message) => {
    const res = await cli(args);
    expect(res.code).toBe(2);
    expect(res.out).toEqual([]);
    expect(res.err.join('\n')).toMatch(message);
  });

  it.each(['sync', 'plan', 'explain', 'export', 'worker', 'trigger', 'trigger resync', 'status', 'offboard', 'approve', 'audit'])('%s --help prints its usage on stdout and exits 0', async (command) => {
    const res = await cli([...command.split(' '), '--help']);
    expect(res.code).toBe(0);
    expect(res.out.join('\n')).toContain(`Usage: okta-wfm-sync ${command} `);
    expect(res.err).toEqual([]);
  });

  it('status --json prints one JSON object on stdout', async () => {
    const res = await cli(['status', '--limit', '5', '--json']);
    expect(res.code).toBe(0);
    expect(res.out).toHaveLength(1);
    expect(JSON.parse(res.out[0] ?? '')).toMatchObject({ runs: expect.any(Array), queues: expect.any(Object) });
  });
});
