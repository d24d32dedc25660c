import type { Harness } from './helpers';
import { filterQuery, list, record, startHarness, userBody } from './helpers';

// The userName and externalId indexes answer `eq` filters and the uniqueness check: they must
// follow every change a user can go through, exactly as a scan would.
describe('sandbox WFM: userName and externalId indexes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.sandbox.close());
  beforeEach(() => h.sandbox.state.clear());

  const names = async (filter: string): Promise<unknown[]> => list(await h.scim.get(filterQuery(filter))).Resources.map((u) => u.userName);

  test('a PUT that changes userName and externalId moves both index entries', async () => {
    const id = String(record(await h.scim.post('/Users', userBody(1))).id);
    expect((await h.scim.put(`/Users/${id}`, userBody(2, { id }))).status).toBe(200);
    expect(await names('userName eq "user1@example.com"')).toEqual([]);
    expect(await names('externalId eq "okta-1"')).toEqual([]);
    expect(await names('userName eq "USER2@example.com"')).toEqual(['user2@example.com']);
    expect(await names('externalId eq "okta-2"')).toEqual(['user2@example.com']);
    expect(await names('externalId eq "OKTA-2"')).toEqual([]); // externalId is case-exact
    expect((await h.scim.post('/Users', userBody(1))).status).toBe(201); // the old userName is free again
    expect((await h.scim.post('/Users', userBody(2, { externalId: 'other' }))).status).toBe(409);
  });

  test('admin edits, seeded users and clear() keep the indexes right', async () => {
    const seeded = h.sandbox.state.seedUser(userBody(3));
    h.sandbox.state.editAttribute(String(seeded.id), 'userName', 'renamed@example.com');
    expect(await names('userName eq "user3@example.com"')).toEqual([]);
    expect(await names('userName eq "renamed@example.com"')).toEqual(['renamed@example.com']);
    expect(h.sandbox.state.findByUserName('RENAMED@example.com')?.id).toBe(seeded.id);
    h.sandbox.state.clear();
    expect(await names('externalId eq "okta-3"')).toEqual([]);
    expect((await h.scim.post('/Users', userBody(3, { userName: 'renamed@example.com' }))).status).toBe(201);
  });

  test('several users with one externalId come back in creation order, and other filters still scan', async () => {
    for (const n of [5, 6, 7]) h.sandbox.state.seedUser(userBody(n, { externalId: 'shared' }));
    expect(await names('externalId eq "shared"')).toEqual(['user5@example.com', 'user6@example.com', 'user7@example.com']);
    expect(await names('externalId eq "shared" and userName sw "user6"')).toEqual(['user6@example.com']);
    expect((await h.scim.get(filterQuery('userName eq'))).status).toBe(400);
  });
});
