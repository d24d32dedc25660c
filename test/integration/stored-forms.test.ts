import { explainUser } from '../../jobs/explain';
import { runFullSync } from '../../jobs/full-sync';
import { runResyncUser } from '../../jobs/resync-user';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import type { RunReport } from '../../sync/report';
import type { TestApp } from '../helpers/app';
import type { Harness } from '../helpers/harness';
import { startQuirkyApp, type QuirkyApp } from '../helpers/quirky-app';
import type { QuirkyScim } from '../helpers/quirky-scim';

/**
 * A WFM that stores some values otherwise than they are sent (emoji as "?", names cut to a
 * column's width): each such user is written once, and not again while Okta keeps the value and
 * the WFM the form it stored; an Okta change and a WFM edit are still written.
 */
describe('values the WFM stores in a form of its own', () => {
  let h: Harness;
  let wfm: QuirkyScim;
  let app: TestApp;
  let quirky: QuirkyApp;
  let starred: { id: string; login: string };
  let long: { id: string; login: string };
  const writes = (): string[] => wfm.seen.filter((r) => r.startsWith('PUT ') || r.startsWith('POST '));
  const held = (oktaId: string): Record<string, unknown> | undefined => [...wfm.users.values()].find((u) => u.externalId === oktaId);
  const sync = async (): Promise<RunReport> => {
    wfm.seen.length = 0;
    const { report } = await runFullSync(app.deps);
    expect(report.failed).toEqual([]);
    return report;
  };

  beforeAll(async () => {
    quirky = await startQuirkyApp({ users: 8, seed: 3 }, { narrowCharset: true, maxLength: 24 });
    ({ h, wfm, app } = quirky);
    const [a, b] = inScopeUsers(h.okta.state, h.okta.appId);
    if (!a || !b) throw new Error('two users in scope needed');
    [starred, long] = [a, b];
    h.okta.state.updateProfile(starred.id, { firstName: 'Zoë 🌟', lastName: 'Smith' });
    h.okta.state.updateProfile(long.id, { firstName: 'Ann', lastName: 'Featherstonehaugh-Cholmondeley' });
    await sync();
  });
  afterAll(() => quirky.close());

  it('are written once, and not again on every run', async () => {
    expect(held(starred.id)).toMatchObject({ name: { givenName: 'Zoë ?' }, displayName: 'Zoë ? Smith' });
    expect(held(long.id)).toMatchObject({ name: { familyName: 'Featherstonehaugh-Cholmo' } });
    const second = await sync();
    expect(second.planned.update).toBe(0);
    expect(second.drift).toMatchObject({ okta: 0, wfm: 0, both: 0, unknown: 0 });
    expect(writes()).toEqual([]);
  });

  it('explain shows the form the WFM stores, and nothing to write', async () => {
    const e = await explainUser(app.deps, starred.login);
    expect(e.next.action).toBe('noop');
    expect(e.fields.find((f) => f.path === 'name.givenName')).toMatchObject({ okta: 'Zoë 🌟', wfm: 'Zoë ?', storedForm: 'Zoë ?', next: 'stored-form' });
  });

  it('a change in Okta is written, as changed in Okta, and then held again', async () => {
    h.okta.state.updateProfile(starred.id, { firstName: 'Zoë 🌙', lastName: 'Smythe' });
    const changed = await sync();
    expect(changed.applied.update).toBe(1);
    expect(changed.drift).toMatchObject({ okta: 1, wfm: 0, both: 0 });
    expect(held(starred.id)).toMatchObject({ name: { givenName: 'Zoë ?', familyName: 'Smythe' } });
    expect((await sync()).planned.update).toBe(0);
  });

  it('an edit made in the WFM is put back, as a WFM edit', async () => {
    const user = held(long.id);
    if (!user) throw new Error('no WFM user');
    user.name = { ...(user.name as Record<string, unknown>), familyName: 'Edited' };
    const edited = await sync();
    expect(edited.applied.update).toBe(1);
    expect(edited.drift).toMatchObject({ okta: 0, wfm: 1, both: 0, edited: [{ oktaId: long.id, fields: ['name.familyName'] }] });
    expect(held(long.id)).toMatchObject({ name: { familyName: 'Featherstonehaugh-Cholmo' } });
    expect((await sync()).planned.update).toBe(0);
  });

  it('an update for another attribute sends the value again, and its audit entry does not list it as changed', async () => {
    h.okta.state.updateProfile(long.id, { department: 'Retention Desk' });
    const report = await sync();
    expect(report.applied.update).toBe(1);
    const [entry] = await app.deps.audit.read({ count: 1, userName: long.login });
    expect(entry).toMatchObject({ runId: report.runId, side: 'okta' });
    expect(entry?.changes.map((c) => c.path)).toEqual(['enterprise.department']);
    expect((await sync()).planned.update).toBe(0);
  });

  it('a manual resync of the user sends the value again: a WFM that now stores it whole keeps it, and the form goes', async () => {
    wfm.seen.length = 0;
    const still = await runResyncUser(app.deps, { user: starred.login });
    expect(still.report.applied.update).toBe(1);
    expect((await sync()).planned.update).toBe(0);
    wfm.quirks.narrowCharset = false;
    const fixed = await runResyncUser(app.deps, { user: starred.login });
    expect(fixed.report.applied.update).toBe(1);
    expect(held(starred.id)).toMatchObject({ name: { givenName: 'Zoë 🌙' } });
    const e = await explainUser(app.deps, starred.login);
    expect(e.fields.find((f) => f.path === 'name.givenName')).toMatchObject({ wfm: 'Zoë 🌙', next: 'same' });
    expect((await sync()).planned.update).toBe(0);
  });
});
