import { executeWrite } from '../../jobs/apply-plan';
import { plan } from '../../sync/plan';
import type { UpdateAction, WfmUser } from '../../sync/types';
import type { Harness } from '../helpers/harness';
import { appSuite, type TestApp } from '../helpers/app';
import { createAction } from '../helpers/write-action';

describe('an update that reads its user again and finds what the listed copy lacked', () => {
  let h: Harness;
  let app: TestApp;
  appSuite({ users: 2 }, (s) => ({ h, app } = s));

  it('warns once a process, naming WFM_READ_BEFORE_UPDATE; what a WFM admin set stays', async () => {
    const warn = jest.spyOn(app.deps.logger, 'warn');
    const writes = ['00uUnlistedA', '00uUnlistedB'].map((id) => createAction(id));
    for (const w of writes) await executeWrite(app.deps, w);
    const updates: UpdateAction[] = [];
    for (const w of writes) {
      const stored = h.wfm.state.all().find((u) => u.externalId === w.oktaId);
      h.wfm.state.editAttribute(String(stored?.id), 'phoneNumbers', [{ value: '+1 555 0199', type: 'mobile' }]);
      // The copy a listing that leaves `phoneNumbers` out gave, read two minutes ago: read again before the merge.
      const { phoneNumbers: _phones, ...listed } = h.wfm.state.get(String(stored?.id)) ?? {};
      const current: WfmUser = { id: String(stored?.id), userName: String(listed.userName), externalId: w.oktaId, active: true, version: undefined, raw: listed, readAt: Date.now() - 120_000 };
      const renamed = { ...w.desired, attrs: { ...w.desired.attrs, 'name.familyName': 'Unlisted' } };
      const [action] = plan([renamed], [current], { mapping: app.deps.config.mapping });
      updates.push(action as UpdateAction);
    }
    for (const u of updates) await executeWrite(app.deps, u);
    for (const w of writes) expect(h.wfm.state.all().find((u) => u.externalId === w.oktaId)).toMatchObject({ phoneNumbers: [{ value: '+1 555 0199', type: 'mobile' }], name: { familyName: 'Unlisted' } });
    const told = warn.mock.calls.filter(([message]) => String(message).includes('WFM_READ_BEFORE_UPDATE=always'));
    expect(told).toHaveLength(1);
    expect((told[0] as unknown[] | undefined)?.[1]).toMatchObject({ attributes: ['phonenumbers'] });
  });
});
