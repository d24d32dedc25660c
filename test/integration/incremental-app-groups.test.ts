import { runIncrementalSync } from '../../jobs/incremental-sync';
import { startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';
import { capturingLogger, type LogEntry } from '../helpers/logger';

/**
 * A user added to a group the app is assigned to (a group the settings do not name): only the
 * app's group list tells the change is in scope. An Okta implementation without that route
 * (`GET /api/v1/apps/{appId}/groups`) must not stop every incremental run from then on.
 */
describe.each([
  ['with the app groups route', [] as string[]],
  ['without it (answered 404)', ['/api/v1/apps/[^/]+/groups']],
])('an incremental run, a new hire added to an app group, %s', (_name, withoutRoutes) => {
  let h: Harness;
  let app: TestApp;
  const logs: LogEntry[] = [];
  let hire = '';
  beforeAll(async () => {
    h = await startHarness({ users: 20, seed: 27 });
    // In Okta before the cursor starts, in no group of the app yet: out of scope.
    hire = h.okta.state.createUser({ profile: { login: 'new.hire@example.com', email: 'new.hire@example.com', firstName: 'New', lastName: 'Hire' } }).id;
    app = startTestApp(h, { deps: { logger: capturingLogger(logs, 'warn') } });
    expect((await runIncrementalSync(app.deps)).fatal).toBeUndefined(); // the first run is a full sync: it starts the cursor
  });
  afterAll(async () => {
    await app.close();
    await h.close();
  });

  it('creates the new hire, and a profile change of the same window is written too', async () => {
    const [appGroup] = h.okta.state.appGroups(h.okta.appId);
    if (!appGroup) throw new Error('the app has no group');
    expect(['WFM Supervisors']).not.toContain(h.okta.state.getGroup(appGroup.groupId)?.name);
    h.okta.state.addToGroup(appGroup.groupId, hire);
    const changed = h.okta.state.appUsers(h.okta.appId).find((u) => u.userId !== hire);
    if (!changed) throw new Error('no app user');
    h.okta.state.updateProfile(changed.userId, { lastName: 'Changed' });
    h.okta.setFaults({ withoutRoutes });
    try {
      const { report, fatal } = await runIncrementalSync(app.deps);
      expect(fatal).toBeUndefined();
      expect(report.applied).toMatchObject({ create: 1, update: 1 });
    } finally {
      h.okta.resetFaults();
    }
    expect(h.wfm.state.all().filter((u) => u.externalId === hire)).toHaveLength(1);
    const told = logs.filter((e) => String(e.message).startsWith("Okta did not list the app's groups"));
    expect(told).toHaveLength(withoutRoutes.length > 0 ? 1 : 0);
  });
});
