import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { REDIS_URL } from '../helpers/harness';

const run = promisify(execFile);
const DEMO = join(__dirname, '..', '..', 'dist', 'sandbox', 'demo.js');

/** `npm run demo` as a newcomer runs it (dist/ is built by `pretest`), twice on one Redis. */
describe('the demo', () => {
  const demo = async (): Promise<string> => (await run(process.execPath, [DEMO], { env: { PATH: process.env.PATH ?? '', REDIS_URL }, timeout: 120_000 })).stdout;

  it('syncs the sandbox, then finds nothing to change; run again, it starts afresh and leaves nothing in Redis', async () => {
    for (const attempt of [1, 2]) {
      const out = await demo();
      const seen = [...out.matchAll(/WFM saw (\d+) POST and (\d+) PUT; exit code (\d+)/g)].map((m) => m.slice(1).join('/'));
      expect({ attempt, seen }).toEqual({ attempt, seen: ['0/0/0', '429/1/0', '0/0/0'] });
      // A second demo has fresh sandboxes: the records of the first one's writes must not read as WFM edits.
      expect(out).not.toMatch(/[1-9]\d* edited in the WFM/);
      // It ends by telling a newcomer what happened to the two users made by hand, and what to try next.
      expect(out).toMatch(/\n- \S+@EXAMPLE\.COM, made by hand in the WFM with an Okta user's login, was linked to that user, not duplicated\n/);
      expect(out).toContain('\n- contractor.only.in.wfm@example.com, whom Okta does not have, was left as it was.\n');
      expect(out).toMatch(/\nNext: .*check, plan, explain <login>,\nexport, audit, offboard and the worker: see "Command line" in README\.md\.\n$/);
    }
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.keys('okta-wfm-demo*')).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 240_000);
});
