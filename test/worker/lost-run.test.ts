import { JOBS } from '../../jobs';
import { appSuite, type TestApp } from '../helpers/app';

/**
 * A run job the queue gives up (taken over more often than its stall limit allows) fails without
 * its handler having kept a report: the run history must still say what became of it.
 */
describe('a run job given up by the queue', () => {
  let app: TestApp;
  appSuite({ users: 3 }, (s) => ({ app } = s));
  const ctx = () => ({ deps: app.deps, attempt: { number: 1, of: 1 }, trigger: () => Promise.reject(new Error('not expected')) });

  it.each(['full-sync', 'incremental-sync', 'resync-user', 'offboard'] as const)('%s: its report names the reason, once; a run that kept its own report is left as it is', async (kind) => {
    const runId = `${kind}-lost-${Date.now()}`;
    const lost = JOBS[kind].lost;
    if (!lost) throw new Error(`no lost handler for ${kind}`);
    await lost(ctx(), { runId, dryRun: true, ...(kind === 'resync-user' ? { user: 'ann@example.com' } : {}) }, 'job stalled more than allowable limit');
    const report = await app.deps.history.get(runId);
    expect(report).toMatchObject({ runId, kind, dryRun: true, error: expect.stringMatching(/given up before it finished: job stalled more than allowable limit/) as unknown });
    await lost(ctx(), { runId }, 'again');
    expect((await app.deps.history.list()).filter((r) => r.runId === runId)).toHaveLength(1);
  });
});
