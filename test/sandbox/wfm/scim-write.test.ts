import type { Harness } from './helpers';
import { CORE, ENTERPRISE, ERROR_URN, NICE, record, startHarness, userBody, without } from './helpers';

describe('sandbox WFM: POST and PUT /Users', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.sandbox.close());
  beforeEach(() => {
    h.sandbox.state.clear();
    h.sandbox.faults.next = [];
  });

  test('POST creates: 201, Location, ETag, meta, default agent role, active, timezone answered as timeZone', async () => {
    const res = await h.scim.post('/Users', userBody(1, { timezone: 'Europe/Paris', id: 'client-id', meta: { version: 'W/"9"' } }));
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/scim+json');
    const user = record(res);
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.location).toBe(`${h.sandbox.scimUrl}/Users/${String(user.id)}`);
    expect(res.headers.etag).toBe('W/"1"');
    expect(user).toMatchObject({
      schemas: [CORE],
      userName: 'user1@example.com',
      active: true,
      roles: [{ value: 'agent', primary: true }],
      timeZone: 'Europe/Paris',
      meta: { resourceType: 'User', version: 'W/"1"', location: res.headers.location },
    });
    expect(user).not.toHaveProperty('timezone');
    expect(typeof (user.meta as Record<string, unknown>).created).toBe('string');
    expect(h.sandbox.state.get(String(user.id))).toEqual(user);
  });

  test('POST keeps known extensions and custom extension URNs; ignores unknown core attributes', async () => {
    const custom = 'urn:acme:params:scim:schemas:extension:custom:2.0:User';
    const res = await h.scim.post('/Users', userBody(2, {
      schemas: [CORE, ENTERPRISE, NICE, custom],
      roles: [{ value: 'supervisor', primary: true }],
      title: 'ignored',
      [ENTERPRISE]: { employeeNumber: 'E-2', department: 'Support' },
      [NICE]: { team: { value: 't1', display: 'Team 1' } },
      [custom]: { badge: 'B-2' },
    }));
    expect(res.status).toBe(201);
    expect(record(res)).toMatchObject({
      schemas: [CORE, ENTERPRISE, NICE, custom],
      roles: [{ value: 'supervisor', primary: true }],
      [ENTERPRISE]: { employeeNumber: 'E-2', department: 'Support' },
      [NICE]: { team: { value: 't1', display: 'Team 1' } },
      [custom]: { badge: 'B-2' },
    });
    expect(record(res)).not.toHaveProperty('title');
  });

  test.each([
    ['no userName', without(userBody(3), 'userName'), "'userName' is required"],
    ['userName not an email', userBody(3, { userName: 'user3' }), 'email'],
    ['no givenName', userBody(3, { name: { familyName: 'F' } }), 'givenName'],
    ['no familyName', userBody(3, { name: { givenName: 'G' } }), 'familyName'],
    ['no emails', without(userBody(3), 'emails'), 'emails'],
    ['no work email', userBody(3, { emails: [{ value: 'x@home.org', type: 'home' }] }), 'work'],
    ['active not boolean', userBody(3, { active: 'true' }), 'active'],
    ['bad time zone', userBody(3, { timezone: 'Mars/Olympus' }), 'time zone'],
  ])('POST with %s: 400 invalidValue', async (_label, body, detail) => {
    const res = await h.scim.post('/Users', body);
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({ schemas: [ERROR_URN], status: '400', scimType: 'invalidValue' });
    expect(String(record(res).detail)).toContain(detail);
  });

  test('POST syntax errors: missing schemas, extension not listed, bad JSON, wrong content type', async () => {
    expect((await h.scim.post('/Users', without(userBody(4), 'schemas'))).data).toMatchObject({ scimType: 'invalidSyntax' });
    expect((await h.scim.post('/Users', userBody(4, { [NICE]: { team: { value: 't' } } }))).data).toMatchObject({ scimType: 'invalidSyntax' });
    const broken = await h.scim.post('/Users', '{"schemas": [', { transformRequest: [(d: unknown) => d] });
    expect(broken.status).toBe(400);
    expect(broken.data).toMatchObject({ scimType: 'invalidSyntax' });
    const text = await h.scim.post('/Users', 'userName=x', { headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    const asJson = await h.scim.post('/Users', userBody(4), { headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(asJson.status).toBe(201);
  });

  test('POST with an existing userName in another case: 409 uniqueness', async () => {
    expect((await h.scim.post('/Users', userBody(5))).status).toBe(201);
    const dup = await h.scim.post('/Users', userBody(6, { userName: 'USER5@Example.COM' }));
    expect(dup.status).toBe(409);
    expect(dup.data).toMatchObject({ schemas: [ERROR_URN], status: '409', scimType: 'uniqueness' });
    expect(h.sandbox.state.size()).toBe(1);
  });

  test('PUT replaces the whole resource: attributes not sent are gone', async () => {
    const created = record(await h.scim.post('/Users', userBody(7, {
      schemas: [CORE, NICE], displayName: 'Seven', timezone: 'UTC', roles: [{ value: 'supervisor' }], [NICE]: { team: { value: 't' } },
    })));
    const id = String(created.id);
    const res = await h.scim.put(`/Users/${id}`, userBody(7, { id, active: true, userName: 'renamed7@example.com' }));
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('W/"2"');
    const after = record(res);
    expect(after).toMatchObject({ id, userName: 'renamed7@example.com', active: true, schemas: [CORE], meta: { version: 'W/"2"' } });
    for (const gone of ['displayName', 'timeZone', NICE]) expect(after).not.toHaveProperty(gone);
    // Dropping roles resets the user to the default role.
    expect(after.roles).toEqual([{ value: 'agent', primary: true }]);
    expect(h.sandbox.state.get(id)).toEqual(after);
  });

  test('PUT without active suspends the user (the documented danger)', async () => {
    const id = String(record(await h.scim.post('/Users', userBody(8))).id);
    const res = await h.scim.put(`/Users/${id}`, without(userBody(8), 'active'));
    expect(res.status).toBe(200);
    expect(record(res).active).toBe(false);
  });

  test('PUT checks: unknown id 404, body id mismatch 400, duplicate userName 409, required attributes 400', async () => {
    const a = String(record(await h.scim.post('/Users', userBody(9))).id);
    await h.scim.post('/Users', userBody(10));
    expect((await h.scim.put('/Users/no-such-id', userBody(9))).status).toBe(404);
    const mismatch = await h.scim.put(`/Users/${a}`, userBody(9, { id: 'other', active: true }));
    expect(mismatch.status).toBe(400);
    expect(mismatch.data).toMatchObject({ scimType: 'mutability' });
    const dup = await h.scim.put(`/Users/${a}`, userBody(9, { userName: 'user10@EXAMPLE.com', active: true }));
    expect(dup.status).toBe(409);
    expect(dup.data).toMatchObject({ scimType: 'uniqueness' });
    const noName = await h.scim.put(`/Users/${a}`, without(userBody(9), 'name'));
    expect(noName.data).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(h.sandbox.state.get(a)?.userName).toBe('user9@example.com');
  });

  test('If-Match: a stale version answers 412 and changes nothing; the current one (or *) applies', async () => {
    const id = String(record(await h.scim.post('/Users', userBody(11))).id);
    h.sandbox.state.editAttribute(id, 'displayName', 'Edited by an admin'); // version 2
    const stale = await h.scim.put(`/Users/${id}`, userBody(11, { active: true }), { headers: { 'if-match': 'W/"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.data).toMatchObject({ schemas: [ERROR_URN], status: '412' });
    expect(h.sandbox.state.get(id)?.displayName).toBe('Edited by an admin');
    const fresh = await h.scim.get(`/Users/${id}`);
    expect(fresh.headers.etag).toBe('W/"2"');
    const ok = await h.scim.put(`/Users/${id}`, userBody(11, { active: true }), { headers: { 'if-match': String(fresh.headers.etag) } });
    expect(ok.status).toBe(200);
    const star = await h.scim.put(`/Users/${id}`, userBody(11, { active: true }), { headers: { 'if-match': '*' } });
    expect(star.headers.etag).toBe('W/"4"');
    expect((await h.scim.get(`/Users/${id}`, { headers: { 'if-none-match': 'W/"4"' } })).status).toBe(304);
  });

  test('with etags off: no version, no ETag, If-Match ignored', async () => {
    const noTags = await startHarness({ etags: false });
    try {
      const res = await noTags.scim.post('/Users', userBody(12));
      expect(res.headers.etag).toBeUndefined();
      expect(record(res).meta).not.toHaveProperty('version');
      const put = await noTags.scim.put(`/Users/${String(record(res).id)}`, userBody(12, { active: true }), { headers: { 'if-match': 'W/"99"' } });
      expect(put.status).toBe(200);
      expect((await noTags.scim.get('/ServiceProviderConfig')).data).toMatchObject({ etag: { supported: false } });
    } finally {
      await noTags.sandbox.close();
    }
  });
});
