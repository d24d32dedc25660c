import axios from 'axios';
import { main } from '../../../sandbox/wfm/main';
import type { Harness } from './helpers';
import { NICE, record, startHarness, userBody } from './helpers';

describe('sandbox WFM: /_sandbox admin routes and in-process state', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.sandbox.close());
  beforeEach(() => h.sandbox.state.clear());

  test('admin routes require the SCIM bearer token', async () => {
    const res = await axios.get(`${h.sandbox.url}/_sandbox/users`, { validateStatus: () => true });
    expect(res.status).toBe(401);
  });

  test('seed over HTTP (one or many), dump, and admin edits that bump the version', async () => {
    const one = await h.admin.post('/users', {
      userName: 'admin-made@example.com',
      name: { givenName: 'A', familyName: 'M' },
      emails: [{ value: 'admin-made@example.com', type: 'work' }],
      phoneNumbers: [{ value: '+33 6 00 00 00 00', type: 'mobile' }],
      timezone: 'Europe/Paris',
      userType: 'Employee',
      [NICE]: { team: { value: 't-1', display: 'Day' } },
    });
    expect(one.status).toBe(201);
    const seeded = record(one);
    expect(seeded).not.toHaveProperty('externalId');
    expect(seeded).toMatchObject({ timeZone: 'Europe/Paris', active: true, schemas: expect.arrayContaining([NICE]), meta: { version: 'W/"1"' } });
    const many = await h.admin.post('/users', [userBody(1), userBody(2)]);
    expect((record(many).users as unknown[]).length).toBe(2);
    expect((await h.admin.post('/users', userBody(1))).status).toBe(409);

    const id = String(seeded.id);
    const edited = record(await h.admin.post(`/users/${encodeURIComponent(id)}/edit`, { path: `${NICE}:team.display`, value: 'Night' }));
    expect(edited).toMatchObject({ [NICE]: { team: { value: 't-1', display: 'Night' } }, meta: { version: 'W/"2"' } });
    const removed = record(await h.admin.post(`/users/${id}/edit`, { path: 'phoneNumbers' }));
    expect(removed).not.toHaveProperty('phoneNumbers');
    const inactive = record(await h.admin.post(`/users/${id}/active`, { active: false }));
    expect(inactive).toMatchObject({ active: false, meta: { version: 'W/"4"' } });
    expect((await h.admin.post('/users/ghost/active', { active: false })).status).toBe(404);

    const dump = record(await h.admin.get('/users'));
    expect((dump.users as unknown[]).length).toBe(3);
    expect(h.sandbox.state.findByUserName('ADMIN-MADE@example.com')?.id).toBe(id);
  });

  test('faults and config over HTTP', async () => {
    const set = await h.admin.post('/faults', { push: [{ kind: '503', count: 1 }], listLiesTotal: 2 });
    expect(set.status).toBe(200);
    expect(h.sandbox.faults.next).toEqual([{ kind: '503', count: 1 }]);
    expect((await h.admin.post('/faults', { kind: 'nonsense' })).status).toBe(400);
    expect((await h.scim.get('/Users')).status).toBe(503);
    expect(record(await h.scim.get('/Users')).totalResults).toBe(2);
    await h.admin.post('/faults', { reset: true });
    expect(h.sandbox.faults.listLiesTotal).toBe(0);

    const config = await h.admin.post('/config', { filterRequired: true, maxPageSize: 5 });
    expect(config.data).toMatchObject({ filterRequired: true, maxPageSize: 5, etags: true });
    expect((await h.scim.get('/Users')).status).toBe(400);
    expect(record(await h.scim.get('/ServiceProviderConfig')).filter).toEqual({ supported: true, maxResults: 5 });
    await h.admin.post('/config', { filterRequired: false, maxPageSize: 100 });
    expect((await h.admin.post('/config', { maxPageSize: 0 })).status).toBe(400);

    await h.admin.post('/reset-requests');
    expect(record(await h.admin.get('/requests')).requests).toEqual([
      expect.objectContaining({ path: '/_sandbox/requests', api: 'admin' }),
    ]);
  });

  test('expire-tokens and clear over HTTP', async () => {
    const tok = record(await h.api.post('/authentication/v1/token/access-key', { accessKeyId: 'sandbox-key-id', accessKeySecret: 'sandbox-key-secret' }));
    await h.admin.post('/expire-tokens');
    const res = await h.api.post('/user-management/v1/users/deactivate', { userIds: ['x'] }, { headers: { authorization: `Bearer ${String(tok.access_token)}` } });
    expect(res.status).toBe(401);
    h.sandbox.state.seedUser(userBody(9));
    await h.admin.post('/clear');
    expect(h.sandbox.state.size()).toBe(0);
  });
});

describe('sandbox WFM: main', () => {
  test('starts from arguments and prints one JSON line with its addresses and credentials', async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const sandbox = await main(['--port', '0', '--max-page-size', '7', '--latency-ms', '0']).finally(() => spy.mockRestore());
    try {
      expect(lines).toHaveLength(1);
      const printed = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
      expect(printed).toEqual({
        url: sandbox.url,
        scimUrl: `${sandbox.url}/scim/v2`,
        apiUrl: sandbox.url,
        scimToken: 'sandbox-scim-token',
        accessKeyId: 'sandbox-key-id',
        accessKeySecret: 'sandbox-key-secret',
      });
      const spc = await axios.get(`${sandbox.scimUrl}/ServiceProviderConfig`, { headers: { authorization: 'Bearer sandbox-scim-token' } });
      expect(spc.data).toMatchObject({ filter: { maxResults: 7 } });
    } finally {
      await sandbox.close();
    }
  });

  test('refuses a bad number', async () => {
    await expect(main(['--port', 'abc'])).rejects.toThrow(/--port/);
  });
});
