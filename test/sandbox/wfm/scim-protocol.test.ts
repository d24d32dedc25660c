import axios from 'axios';
import type { Harness } from './helpers';
import { CORE, ERROR_URN, NICE, rawRequest, record, startHarness, userBody } from './helpers';

describe('sandbox WFM: SCIM protocol surface', () => {
  let h: Harness;
  const auth = { authorization: 'Bearer sandbox-scim-token' };
  beforeAll(async () => {
    h = await startHarness({ maxPageSize: 25 });
  });
  afterAll(() => h.sandbox.close());
  beforeEach(() => h.sandbox.state.clear());

  test('PATCH, DELETE, /Groups, /Bulk answer 501 with a SCIM error body', async () => {
    const { id } = h.sandbox.state.seedUser(userBody(1));
    const answers = [
      await h.scim.patch(`/Users/${String(id)}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [] }),
      await h.scim.delete(`/Users/${String(id)}`),
      await h.scim.get('/Groups'),
      await h.scim.post('/Groups', { displayName: 'g' }),
      await h.scim.get('/Groups/some-id'),
      await h.scim.post('/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(501);
      expect(res.headers['content-type']).toBe('application/scim+json');
      expect(res.data).toMatchObject({ schemas: [ERROR_URN], status: '501' });
      expect(typeof record(res).detail).toBe('string');
    }
    expect(h.sandbox.state.get(String(id))?.active).toBe(true);
  });

  test('auth: plain-text 401 without a header, SCIM 401 for a wrong token or scheme, scheme case-insensitive', async () => {
    const bare = await axios.get(`${h.sandbox.scimUrl}/Users`, { validateStatus: () => true, responseType: 'text' });
    expect(bare.status).toBe(401);
    expect(bare.data).toBe('Unauthorized');
    expect(String(bare.headers['content-type'])).toMatch(/^text\/plain/);
    for (const authorization of ['Bearer wrong-token', 'Basic c2FuZGJveA==', 'Bearer', 'Bearer  sandbox-scim-token']) {
      const res = await axios.get(`${h.sandbox.scimUrl}/Users`, { headers: { authorization }, validateStatus: () => true });
      expect(res.status).toBe(401);
      expect(res.data).toMatchObject({ schemas: [ERROR_URN], status: '401' });
    }
    const lower = await axios.get(`${h.sandbox.scimUrl}/Users`, { headers: { authorization: 'bearer sandbox-scim-token' } });
    expect(lower.status).toBe(200);
    // Auth comes first, also for unsupported operations.
    expect((await axios.delete(`${h.sandbox.scimUrl}/Users/x`, { validateStatus: () => true })).status).toBe(401);
  });

  test('GET /Users/{id}: 404 SCIM error for an unknown id', async () => {
    const res = await h.scim.get('/Users/2819c223-7f76-453a-919d-413861904646');
    expect(res.status).toBe(404);
    expect(res.data).toMatchObject({ schemas: [ERROR_URN], status: '404' });
  });

  test('ids are percent-decoded per segment: "/" and ".." never reach another route', async () => {
    h.sandbox.state.seedUser(userBody('slash', { id: 'a/b' }));
    h.sandbox.state.seedUser(userBody('dots', { id: '..' }));
    const slash = await rawRequest(h.sandbox.scimUrl, 'GET', '/scim/v2/Users/a%2Fb', auth);
    expect(slash.status).toBe(200);
    expect(JSON.parse(slash.body)).toMatchObject({ id: 'a/b', meta: { location: `${h.sandbox.scimUrl}/Users/a%2Fb` } });
    const dots = await rawRequest(h.sandbox.scimUrl, 'GET', '/scim/v2/Users/%2E%2E', auth);
    expect(JSON.parse(dots.body)).toMatchObject({ id: '..' });
    // Looks like /Groups after normalisation, but is a user id: a 404, not the 501 of /Groups.
    const traversal = await rawRequest(h.sandbox.scimUrl, 'GET', '/scim/v2/Users/..%2FGroups', auth);
    expect(traversal.status).toBe(404);
    const literal = await rawRequest(h.sandbox.scimUrl, 'GET', '/scim/v2/Users/../Groups', auth);
    expect(literal.status).toBe(404);
    const badEncoding = await rawRequest(h.sandbox.scimUrl, 'GET', '/scim/v2/Users/%E0%A4%A', auth);
    expect(badEncoding.status).toBe(400);
    // PUT through an encoded id reaches that user.
    const put = await rawRequest(h.sandbox.scimUrl, 'PUT', '/scim/v2/Users/a%2Fb', { ...auth, 'content-type': 'application/scim+json' },
      JSON.stringify(userBody('slash', { active: true, displayName: 'Slash' })));
    expect(put.status).toBe(200);
    expect(h.sandbox.state.get('a/b')?.displayName).toBe('Slash');
  });

  test('discovery: ServiceProviderConfig matches the profile; ResourceTypes and Schemas', async () => {
    const spc = await h.scim.get('/ServiceProviderConfig');
    expect(spc.data).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: false },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 25 },
      etag: { supported: true },
      sort: { supported: false },
      changePassword: { supported: false },
    });
    const types = await h.scim.get('/ResourceTypes');
    expect(types.data).toMatchObject({ totalResults: 1, Resources: [{ id: 'User', endpoint: '/Users', schema: CORE }] });
    expect((await h.scim.get('/ResourceTypes/User')).status).toBe(200);
    const schemas = await h.scim.get('/Schemas');
    expect(schemas.data).toMatchObject({ totalResults: 3 });
    const core = record(await h.scim.get(`/Schemas/${CORE}`));
    const userName = (core.attributes as Record<string, unknown>[]).find((a) => a.name === 'userName');
    expect(userName).toMatchObject({ type: 'string', required: true, caseExact: false, uniqueness: 'server' });
    expect(record(await h.scim.get(`/Schemas/${NICE}`)).name).toBe('NiceUser');
    expect((await h.scim.get('/Schemas/urn:nope')).status).toBe(404);
  });

  test('unknown SCIM paths and methods: 404 / 405 SCIM errors', async () => {
    expect((await h.scim.get('/Nothing')).data).toMatchObject({ schemas: [ERROR_URN], status: '404' });
    const putList = await h.scim.put('/Users', userBody(2));
    expect(putList.status).toBe(405);
    expect(putList.headers.allow).toBe('GET, POST');
    expect((await h.scim.post('/Users/.search', { filter: 'userName pr' })).status).toBe(501);
  });
});
