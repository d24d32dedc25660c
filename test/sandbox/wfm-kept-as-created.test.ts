import type { Harness } from './wfm/helpers';
import { CORE, ENTERPRISE, record, startHarness, userBody } from './wfm/helpers';

/** A server that keeps some attributes as created (as Zoom's SCIM API keeps userName): a PUT changing them is answered 200 with the old ones. */
describe('sandbox WFM: attributes kept as created (keptAsCreated)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ keptAsCreated: ['userName', 'emails', 'name.givenName', `${ENTERPRISE}:department`] });
  });
  afterAll(() => h.sandbox.close());

  test('a PUT changing them is answered 200 with the values held; the rest of it is applied; GET agrees', async () => {
    const created = record(await h.scim.post('/Users', userBody(1, { schemas: [CORE, ENTERPRISE], displayName: 'Old', [ENTERPRISE]: { department: 'Support', employeeNumber: 'E1' } })));
    const id = String(created.id);
    const put = await h.scim.put(`/Users/${id}`, {
      ...userBody(1),
      schemas: [CORE, ENTERPRISE],
      userName: 'renamed@example.com',
      emails: [{ value: 'renamed@example.com', type: 'work', primary: true }],
      name: { givenName: 'New', familyName: 'NewFamily' },
      displayName: 'New',
      active: true,
      [ENTERPRISE]: { department: 'Sales', employeeNumber: 'E2' },
    });
    expect(put.status).toBe(200);
    const answer = record(put);
    expect(answer).toMatchObject({ userName: 'user1@example.com', emails: [{ value: 'user1@example.com', type: 'work', primary: true }], name: { givenName: 'Given1', familyName: 'NewFamily' }, displayName: 'New' });
    expect(answer[ENTERPRISE]).toEqual({ department: 'Support', employeeNumber: 'E2' });
    const { meta: _m, ...got } = record(await h.scim.get(`/Users/${id}`));
    const { meta: _a, ...answered } = answer;
    expect(got).toEqual(answered);
    // Not found by the name the PUT sent.
    expect(h.sandbox.state.findByUserName('renamed@example.com')).toBeUndefined();
  });

  test('a value it does not hold stays absent; the switch changes through POST /_sandbox/config', async () => {
    const id = String(record(await h.scim.post('/Users', userBody(2))).id);
    const body = { ...userBody(2), active: true, [ENTERPRISE]: { department: 'Sales' }, schemas: [CORE, ENTERPRISE] };
    expect(record(await h.scim.put(`/Users/${id}`, body))).not.toHaveProperty(ENTERPRISE);
    expect((await h.admin.post('/config', { keptAsCreated: [] })).status).toBe(200);
    expect(record(await h.scim.put(`/Users/${id}`, { ...body, userName: 'two@example.com' }))).toMatchObject({ userName: 'two@example.com', [ENTERPRISE]: { department: 'Sales' } });
  });
});
