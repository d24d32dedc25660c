import { inScopeUsers } from '../../sandbox/okta/oracle';
import { startHarness, type Harness } from '../helpers/harness';

/** `status` after a dry run and a real one: the preview reads as what it would do, not as writes done. */
describe('status lists a dry run as what it would do', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ users: 10, seed: 21 });
  });
  afterAll(() => h.close());

  it('a dry run shows its planned creates as "would", the real run after it the creates it made', async () => {
    const n = inScopeUsers(h.okta.state, h.okta.appId).length;
    const dry = await h.cli(['sync', '--once', '--dry-run', '--json']);
    expect(dry.report).toMatchObject({ dryRun: true, planned: { create: n }, applied: { create: 0 } });
    expect(h.wfm.state.size()).toBe(0);
    const real = await h.cli(['sync', '--once', '--json']);
    expect(real.report).toMatchObject({ dryRun: false, applied: { create: n } });

    const status = await h.cli(['status']);
    expect(status.code).toBe(0);
    const runs = status.out.slice(status.out.findIndex((l) => l.startsWith('Last runs')));
    expect(runs[0]).toMatch(/a dry run wrote nothing/);
    const line = (runId: string | undefined) => runs.find((l) => runId !== undefined && l.includes(runId)) ?? '';
    expect(line(dry.report?.runId)).toMatch(new RegExp(`  dry run, would: \\+${n} ~0 \\^0 -0  ok$`));
    expect(line(real.report?.runId)).toMatch(new RegExp(`${real.report?.runId ?? ''}  \\+${n} ~0 \\^0 -0  ok$`));
    expect(line(real.report?.runId)).not.toMatch(/dry run|would/);
  });
});
