import type { Harness } from './helpers';
import { ERROR_URN, filterQuery, list, startHarness, userBody } from './helpers';

describe('sandbox WFM: GET /Users listing and filters', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ maxPageSize: 3 });
  });
  afterAll(() => h.sandbox.close());
  beforeEach(() => {
    h.sandbox.state.clear();
    for (let i = 1; i <= 7; i += 1) h.sandbox.state.seedUser(userBody(i));
  });

  test('pages with startIndex/count in creation order, capped at maxPageSize', async () => {
    const first = list(await h.scim.get('/Users?startIndex=1&count=2'));
    expect(first).toMatchObject({ totalResults: 7, startIndex: 1, itemsPerPage: 2 });
    expect(first.Resources.map((u) => u.userName)).toEqual(['user1@example.com', 'user2@example.com']);

    const capped = await h.scim.get('/Users?startIndex=3&count=50');
    expect(capped.status).toBe(200);
    expect(capped.headers['content-type']).toBe('application/scim+json');
    expect(list(capped)).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 7,
      startIndex: 3,
      itemsPerPage: 3,
    });
    expect(list(capped).Resources.map((u) => u.userName)).toEqual(['user3@example.com', 'user4@example.com', 'user5@example.com']);

    const last = list(await h.scim.get('/Users?startIndex=7&count=3'));
    expect(last.itemsPerPage).toBe(1);
    const beyond = list(await h.scim.get('/Users?startIndex=20'));
    expect(beyond).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] });
  });

  test('defaults: startIndex 1, count = the cap; startIndex < 1 means 1, negative count means 0', async () => {
    const page = list(await h.scim.get('/Users'));
    expect(page).toMatchObject({ startIndex: 1, itemsPerPage: 3 });
    expect(list(await h.scim.get('/Users?startIndex=0&count=1'))).toMatchObject({ startIndex: 1, itemsPerPage: 1 });
    expect(list(await h.scim.get('/Users?count=-5'))).toMatchObject({ totalResults: 7, itemsPerPage: 0 });
    const bad = await h.scim.get('/Users?count=ten');
    expect(bad.status).toBe(400);
    expect(bad.data).toMatchObject({ schemas: [ERROR_URN], status: '400', scimType: 'invalidValue' });
  });

  test('filters: case-insensitive userName, caseExact externalId, escaped quotes and backslashes', async () => {
    const byName = list(await h.scim.get(filterQuery('userName eq "USER2@EXAMPLE.COM"')));
    expect(byName.totalResults).toBe(1);
    expect(byName.Resources[0]?.userName).toBe('user2@example.com');

    expect(list(await h.scim.get(filterQuery('externalId eq "okta-3"'))).totalResults).toBe(1);
    expect(list(await h.scim.get(filterQuery('externalId eq "OKTA-3"'))).totalResults).toBe(0);

    h.sandbox.state.seedUser(userBody('q', { externalId: 'we"ird\\id' }));
    const escaped = list(await h.scim.get(filterQuery('externalId eq "we\\"ird\\\\id"')));
    expect(escaped.Resources.map((u) => u.externalId)).toEqual(['we"ird\\id']);

    const combined = list(await h.scim.get(filterQuery('(userName sw "user1" or userName sw "user2") and not (externalId eq "okta-2")')));
    expect(combined.Resources.map((u) => u.userName)).toEqual(['user1@example.com']);

    const work = list(await h.scim.get(filterQuery('emails[type eq "work"].value eq "user4@example.com"')));
    expect(work.totalResults).toBe(1);
  });

  test('a filter that matches more than a page still pages; totalResults counts matches', async () => {
    const page = list(await h.scim.get(filterQuery('userName co "user"', { count: '2', startIndex: '5' })));
    expect(page).toMatchObject({ totalResults: 7, startIndex: 5, itemsPerPage: 2 });
  });

  test('a malformed filter is a 400 invalidFilter SCIM error', async () => {
    for (const filter of ['userName eq user1', 'userName eq "x', 'nosuch eq "x"', 'userName eq "a" or']) {
      const res = await h.scim.get(filterQuery(filter));
      expect(res.status).toBe(400);
      expect(res.data).toMatchObject({ schemas: [ERROR_URN], status: '400', scimType: 'invalidFilter' });
    }
  });

  test('filterRequired: a listing without filter is refused, a filtered one works', async () => {
    h.sandbox.config.filterRequired = true;
    try {
      const plain = await h.scim.get('/Users?startIndex=1&count=2');
      expect(plain.status).toBe(400);
      expect(plain.data).toMatchObject({ status: '400', scimType: 'invalidFilter' });
      const filtered = await h.scim.get(filterQuery('userName eq "user1@example.com"'));
      expect(list(filtered).totalResults).toBe(1);
    } finally {
      h.sandbox.config.filterRequired = false;
    }
  });

  test('meta.lastModified comparisons use seeded timestamps', async () => {
    h.sandbox.state.clear();
    h.sandbox.state.seedUser(userBody('old', { meta: { created: '2020-01-01T00:00:00Z', lastModified: '2020-02-01T00:00:00Z' } }));
    h.sandbox.state.seedUser(userBody('new'));
    const recent = list(await h.scim.get(filterQuery('meta.lastModified gt "2021-01-01T00:00:00Z"')));
    expect(recent.Resources.map((u) => u.userName)).toEqual(['usernew@example.com']);
    const old = list(await h.scim.get(filterQuery('meta.lastModified le "2020-02-01T00:00:00Z"')));
    expect(old.Resources.map((u) => u.userName)).toEqual(['userold@example.com']);
  });

  test('data faults: ids omitted, a lying totalResults, a duplicate across pages', async () => {
    h.sandbox.faults.listOmitsIds = true;
    const noIds = list(await h.scim.get('/Users?count=2'));
    expect(noIds.Resources.every((u) => u.id === undefined)).toBe(true);
    h.sandbox.faults.listOmitsIds = false;

    h.sandbox.faults.listLiesTotal = 5;
    expect(list(await h.scim.get('/Users?count=2')).totalResults).toBe(12);
    h.sandbox.faults.listLiesTotal = 0;

    h.sandbox.faults.duplicateAcrossPages = true;
    const p1 = list(await h.scim.get('/Users?startIndex=1&count=3'));
    const p2 = list(await h.scim.get('/Users?startIndex=4&count=3'));
    h.sandbox.faults.duplicateAcrossPages = false;
    expect(p2.Resources[0]?.id).toBe(p1.Resources[2]?.id);
  });
});
