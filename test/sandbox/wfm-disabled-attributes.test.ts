import { main } from '../../sandbox/wfm/main';
import { startWfmSandbox } from '../../sandbox/wfm/server';
import type { Harness } from './wfm/helpers';
import { CORE, ENTERPRISE, list, NICE, record, startHarness, userBody } from './wfm/helpers';

const DEPARTMENT = `${ENTERPRISE}:department`;
const DISABLED = ['displayName', 'name.middleName', DEPARTMENT, 'roles'];

/** A create body carrying every disabled attribute next to enabled ones. */
const fullBody = (n: number, over: Record<string, unknown> = {}): Record<string, unknown> =>
  userBody(n, {
    schemas: [CORE, ENTERPRISE, NICE],
    displayName: `Display ${n}`,
    name: { givenName: `Given${n}`, middleName: 'M', familyName: `Family${n}` },
    roles: [{ value: 'supervisor', primary: true }],
    timezone: 'Europe/Paris',
    [ENTERPRISE]: { employeeNumber: `E-${n}`, department: 'Support' },
    [NICE]: { team: { value: 't1', display: 'Team 1' } },
    ...over,
  });

/** The disabled attributes are absent and the enabled ones kept. */
const expectTenantShape = (user: Record<string, unknown>, n: number): void => {
  expect(user).not.toHaveProperty('displayName');
  expect(user).not.toHaveProperty('roles');
  expect(user.name).toEqual({ givenName: `Given${n}`, familyName: `Family${n}` });
  expect(user[ENTERPRISE]).toEqual({ employeeNumber: `E-${n}` });
  expect(user).toMatchObject({ schemas: [CORE, ENTERPRISE, NICE], timeZone: 'Europe/Paris', [NICE]: { team: { value: 't1' } } });
};

describe('sandbox WFM: a tenant with optional attributes disabled', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ disabledAttributes: DISABLED });
  });
  afterAll(() => h.sandbox.close());
  beforeEach(() => {
    h.sandbox.state.clear();
    h.sandbox.config.disabledAttributes = [...DISABLED];
  });

  test('POST: 201 without the disabled attributes, which GET, the listing and the store lack too', async () => {
    const created = await h.scim.post('/Users', fullBody(1));
    expect(created.status).toBe(201);
    const user = record(created);
    expectTenantShape(user, 1);
    const id = String(user.id);
    const got = await h.scim.get(`/Users/${id}`);
    expect(got.status).toBe(200);
    expectTenantShape(record(got), 1);
    const listed = list(await h.scim.get('/Users'));
    expect(listed.totalResults).toBe(1);
    expectTenantShape(listed.Resources[0] ?? {}, 1);
    const stored = h.sandbox.state.record(id);
    expect(stored?.attrs).not.toHaveProperty('displayName');
    expect(stored?.attrs).not.toHaveProperty('roles');
    expect(stored?.attrs[ENTERPRISE]).toEqual({ employeeNumber: 'E-1' });
  });

  test('an extension left empty is not stored and its URN leaves schemas; a bad disabled value is ignored', async () => {
    const res = await h.scim.post('/Users', userBody(2, {
      schemas: [CORE, ENTERPRISE],
      displayName: 42,
      [ENTERPRISE]: { DEPARTMENT: 'Support' },
    }));
    expect(res.status).toBe(201);
    expect(record(res).schemas).toEqual([CORE]);
    expect(record(res)).not.toHaveProperty(ENTERPRISE);
    expect(record(res)).not.toHaveProperty('displayName');
  });

  test('PUT carrying the disabled attributes: 200, they stay absent, and no role comes back', async () => {
    const id = String(record(await h.scim.post('/Users', fullBody(3))).id);
    const put = await h.scim.put(`/Users/${id}`, fullBody(3, { id, active: true }));
    expect(put.status).toBe(200);
    expectTenantShape(record(put), 3);
    expectTenantShape(record(await h.scim.get(`/Users/${id}`)), 3);
    expect(h.sandbox.state.record(id)?.attrs).not.toHaveProperty('displayName');
    const bare = await h.scim.put(`/Users/${id}`, userBody(3, { id, active: true }));
    expect(bare.status).toBe(200);
    expect(record(bare)).not.toHaveProperty('roles');
    expect(h.sandbox.state.record(id)?.attrs).not.toHaveProperty('roles');
  });

  test('names ignore case and may carry the core URN', async () => {
    h.sandbox.config.disabledAttributes = ['DISPLAYNAME', `${CORE}:TimeZone`, DEPARTMENT.toUpperCase()];
    const res = await h.scim.post('/Users', fullBody(4));
    expect(res.status).toBe(201);
    const user = record(res);
    expect(user).not.toHaveProperty('displayName');
    expect(user).not.toHaveProperty('timeZone');
    expect(user[ENTERPRISE]).toEqual({ employeeNumber: 'E-4' });
    expect(user).toMatchObject({ roles: [{ value: 'supervisor' }], name: { middleName: 'M' } });
  });

  test('/Schemas leaves out the disabled attributes and sub-attributes', async () => {
    const names = (attrs: unknown): string[] => (attrs as { name: string }[]).map((a) => a.name);
    const core = record(await h.scim.get(`/Schemas/${CORE}`));
    expect(names(core.attributes)).not.toContain('displayName');
    expect(names(core.attributes)).not.toContain('roles');
    expect(names(core.attributes)).toContain('timeZone');
    const name = (core.attributes as { name: string; subAttributes: unknown }[]).find((a) => a.name === 'name');
    expect(names(name?.subAttributes)).toEqual(['formatted', 'familyName', 'givenName']);
    const enterprise = record(await h.scim.get(`/Schemas/${ENTERPRISE}`));
    expect(names(enterprise.attributes)).not.toContain('department');
    expect(names(enterprise.attributes)).toContain('employeeNumber');
  });
});

describe('sandbox WFM: disabled attributes changed at runtime', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.sandbox.close());

  test('hidden from the next request on, stored no more, and shown again when enabled', async () => {
    const first = record(await h.scim.post('/Users', fullBody(10)));
    expect(first).toMatchObject({ displayName: 'Display 10', roles: [{ value: 'supervisor' }], [ENTERPRISE]: { department: 'Support' } });
    const id = String(first.id);

    h.sandbox.config.disabledAttributes = ['displayName', 'roles'];
    const hidden = record(await h.scim.get(`/Users/${id}`));
    expect(hidden).not.toHaveProperty('displayName');
    expect(hidden).not.toHaveProperty('roles');
    expect(hidden).toMatchObject({ [ENTERPRISE]: { department: 'Support' } });
    const second = record(await h.scim.post('/Users', userBody(11, { displayName: 'Display 11' })));
    expect(second).not.toHaveProperty('roles');

    h.sandbox.config.disabledAttributes = [];
    expect(record(await h.scim.get(`/Users/${id}`))).toMatchObject({ displayName: 'Display 10', roles: [{ value: 'supervisor' }] });
    const again = record(await h.scim.get(`/Users/${String(second.id)}`));
    expect(again).not.toHaveProperty('displayName');
    expect(again).not.toHaveProperty('roles');
  });

  test('POST /_sandbox/config sets the list and refuses a required attribute', async () => {
    const ok = await h.admin.post('/config', { disabledAttributes: ['userType'] });
    expect(ok.status).toBe(200);
    expect(h.sandbox.config.disabledAttributes).toEqual(['userType']);
    const refused = await h.admin.post('/config', { disabledAttributes: ['userType', 'emails'] });
    expect(refused.status).toBe(400);
    expect(String(record(refused).error)).toContain("'emails' cannot be disabled");
    expect(h.sandbox.config.disabledAttributes).toEqual(['userType']);
    h.sandbox.config.disabledAttributes = [];
  });
});

describe('sandbox WFM: disabled attributes at start-up', () => {
  test.each([
    'userName', 'name.givenName', 'Name.FamilyName', 'emails', 'emails.value', 'active', 'id', 'externalId', 'schemas', 'name',
    `${CORE}:userName`,
  ])('refuses the required attribute %s', async (name) => {
    await expect(startWfmSandbox({ disabledAttributes: ['displayName', name] })).rejects.toThrow(`'${name}' cannot be disabled: the WFM profile requires it`);
  });

  test.each(['roles.value', 'phoneNumbers.Value'])('refuses %s: each entry needs its value, the attribute is enabled or not', async (name) => {
    await expect(startWfmSandbox({ disabledAttributes: [name] })).rejects.toThrow(`'${name}' is the value of each entry`);
  });

  test.each([ENTERPRISE, 'name.middleName.x', '', 'name.'])('refuses %j, which is not an attribute path', async (name) => {
    await expect(startWfmSandbox({ disabledAttributes: [name] })).rejects.toThrow(/disabled attribute/);
  });

  test('the --disabled-attributes flag', async () => {
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const sandbox = await main(['--port', '0', '--disabled-attributes', `displayName, ${DEPARTMENT}`]).finally(() => spy.mockRestore());
    try {
      expect(sandbox.config.disabledAttributes).toEqual(['displayName', DEPARTMENT]);
    } finally {
      await sandbox.close();
    }
    await expect(main(['--port', '0', '--disabled-attributes', 'roles,userName'])).rejects.toThrow(/'userName' cannot be disabled/);
  });
});
