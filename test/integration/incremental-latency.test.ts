import { setTimeout as sleep } from 'node:timers/promises';
import { runIncrementalSync } from '../../jobs/incremental-sync';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';

/** The incremental interval of this test: the worker's cron does the same with minutes. */
const INTERVAL_MS = 250;
/** Timers fire a little late; the bound allows for that, nothing else. */
const TIMER_SLACK_MS = 50;

type Run = { start: number; end: number };

describe('a change in Okta reaches the WFM within one incremental interval plus the run time', () => {
  let h: Harness;
  let app: TestApp;
  const runs: Run[] = [];

  /** One run of the loop; `during` is called once the run has started. */
  async function tick(during?: () => void): Promise<void> {
    const start = Date.now();
    const running = runIncrementalSync(app.deps);
    during?.();
    const { fatal } = await running;
    expect(fatal).toBeUndefined();
    runs.push({ start, end: Date.now() });
  }

  /** Runs the loop (run, wait the interval, run, ...) until the WFM shows the change; checks the bound. */
  async function measure(change: () => void, shows: () => boolean, when: 'between runs' | 'during a run'): Promise<number> {
    let changedAt = 0;
    const doChange = (): void => {
      change();
      changedAt = Date.now();
    };
    if (when === 'between runs') {
      await sleep(INTERVAL_MS / 2);
      doChange();
      await sleep(INTERVAL_MS / 2);
    }
    for (let i = 0; i < 4 && !shows(); i += 1) {
      if (i > 0) await sleep(INTERVAL_MS);
      await tick(when === 'during a run' && i === 0 ? doChange : undefined);
    }
    const shownAt = Date.now();
    expect(shows()).toBe(true);
    const applying = runs[runs.length - 1] as Run;
    // A change made while a run was under way may be missed by it: the rest of that run counts too.
    const inFlight = runs.find((r) => r !== applying && r.start <= changedAt && changedAt < r.end);
    const bound = INTERVAL_MS + (applying.end - applying.start) + (inFlight ? inFlight.end - changedAt : 0) + TIMER_SLACK_MS;
    expect(shownAt - changedAt).toBeLessThanOrEqual(bound);
    return shownAt - changedAt;
  }

  const wfmUser = (oktaId: string) => h.wfm.state.all().find((u) => u.externalId === oktaId);
  const agents = () => inScopeUsers(h.okta.state, h.okta.appId, { supervisorGroup: 'WFM Supervisors' }).filter((u) => !u.supervisor);

  beforeAll(async () => {
    h = await startHarness({ users: 40, seed: 5 });
    app = startTestApp(h);
    await tick(); // no cursor yet: the full sync
    await sleep(INTERVAL_MS);
    await tick();
  });
  afterAll(async () => {
    await app.close();
    await h.close();
  });

  it('a profile change made between runs', async () => {
    const [agent] = agents();
    if (!agent) throw new Error('no agent');
    await measure(
      () => h.okta.state.updateProfile(agent.id, { lastName: 'Quickly' }),
      () => wfmUser(agent.id)?.name !== undefined && (wfmUser(agent.id)?.name as { familyName?: string }).familyName === 'Quickly',
      'between runs',
    );
  });

  it('a role group membership (no lastUpdated change) made between runs', async () => {
    const [agent] = agents();
    if (!agent) throw new Error('no agent');
    const supervisors = h.okta.state.groupByName('WFM Supervisors')?.id ?? '';
    await measure(
      () => h.okta.state.addToGroup(supervisors, agent.id),
      () => JSON.stringify(wfmUser(agent.id)?.roles) === JSON.stringify([{ value: 'supervisor', primary: true }]),
      'between runs',
    );
  });

  it('a new hire assigned while a run is under way', async () => {
    let hireId = '';
    await measure(
      () => {
        const hire = h.okta.state.createUser({
          profile: { login: 'fast.hire@example.com', email: 'fast.hire@example.com', firstName: 'Fast', lastName: 'Hire' },
          status: 'ACTIVE',
        });
        h.okta.state.assignUserToApp(h.okta.appId, hire.id);
        hireId = hire.id;
      },
      () => hireId !== '' && wfmUser(hireId)?.active === true,
      'during a run',
    );
  });
});
