import { createOktaSource } from '../../clients/okta';
import { judgeRecheck } from '../../sync/offboard-plan';
import { frontConfig, startOktaFront, type OktaFront } from '../helpers/okta-front';

// The spec marks every property optional and its enums may grow: a value the sync does not know,
// a property it has never seen, or one left out must not stop a pull. Only a user the sync cannot
// identify or name is rejected, alone, with its reason.
const APP = '0oa1appappappappapp1';
const id = (n: number): string => `00u${String(n).padStart(17, '0')}`;
const user = (n: number, over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: id(n),
  status: 'ACTIVE',
  lastUpdated: '2024-05-01T10:00:00.000Z',
  profile: { login: `u${n}@example.com`, email: `u${n}@example.com` },
  credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
  ...over,
});
const appUser = (u: Record<string, unknown>, over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: u.id,
  scope: 'USER',
  status: 'PROVISIONED',
  profile: {},
  credentials: { userName: (u.profile as { login?: string } | undefined)?.login },
  _embedded: { user: u },
  ...over,
});

describe('records with values and shapes the sync has not met', () => {
  let front: OktaFront;
  beforeEach(async () => {
    front = await startOktaFront();
  });
  afterEach(() => front.close());

  it('pulls through unknown statuses and scopes, extra properties and absent optional ones', async () => {
    const { profile: _dropped, ...noProfile } = user(6);
    front.routes.set(`/api/v1/apps/${APP}/users`, () => ({
      body: [
        appUser(user(1), { scope: 'ROLE', status: 'SOMETHING_NEW', syncState: 'LATER', brandNew: { nested: [1] } }),
        appUser(user(2), { profile: undefined, credentials: undefined }),
        appUser(user(3, { credentials: undefined, status: 'PASSWORD_EXPIRED', futureField: 'x' })),
        appUser(user(4, { status: 'ARCHIVED' })),
        appUser(user(5, { profile: { email: 'u5@example.com' } })),
        appUser(noProfile),
        appUser(user(7, { status: undefined })),
      ],
    }));
    // An embedded user the sync cannot use is read on its own, and reads the same.
    front.routes.set(`/api/v1/users/${id(5)}`, () => ({ body: user(5, { profile: { email: 'u5@example.com' } }) }));
    front.routes.set(`/api/v1/users/${id(6)}`, () => ({ body: noProfile }));
    front.routes.set(`/api/v1/users/${id(7)}`, () => ({ body: user(7, { status: undefined }) }));
    const pull = await createOktaSource(frontConfig(front)).pullInScope();
    expect(pull.users.map((u) => [u.id, u.status])).toEqual([
      [id(1), 'ACTIVE'],
      [id(2), 'ACTIVE'],
      [id(3), 'PASSWORD_EXPIRED'],
    ]);
    expect(pull.counts).toEqual({ appUsers: 7, inScope: 3, outOfScope: 1, rejected: 3, supervisors: 0, readOneByOne: 3 });
    // The pull says which statuses it did not know (the run logs them at warn).
    expect(pull.undocumented).toEqual({ ARCHIVED: 1 });
    expect(pull.rejected).toEqual([
      { oktaId: id(5), userName: '', reason: expect.stringMatching(/^Okta user data is unusable \(profile\.login: /) },
      { oktaId: id(6), userName: '', reason: expect.stringMatching(/^Okta user data is unusable \(profile: /) },
      { oktaId: id(7), userName: '', reason: expect.stringMatching(/^Okta user data is unusable \(status: /) },
    ]);
    expect(pull.users[2]?.profile).toEqual({ login: 'u3@example.com', email: 'u3@example.com' });
  });

  it('a user with a status it does not know is out of scope when read alone; still found and assigned, and off-boarding leaves it active', async () => {
    front.routes.set(`/api/v1/users/${id(1)}`, () => ({ body: user(1, { status: 'DORMANT', credentials: undefined }) }));
    front.routes.set(`/api/v1/users/${id(1)}/groups`, () => ({ body: [{ id: '00g1', type: 'OKTA_GROUP' }, { id: '00g2', profile: { name: 'Team' }, objectClass: ['x'] }] }));
    front.routes.set(`/api/v1/apps/${APP}/users/${id(1)}`, () => ({ body: appUser(user(1), { status: 'NEW_STATE', scope: 'OTHER' }) }));
    const check = await createOktaSource(frontConfig(front, { supervisorGroups: ['Team'] })).checkUser(id(1));
    expect(check).toMatchObject({ found: true, assigned: true, inScope: false, user: { status: 'DORMANT', groups: ['Team'] } });
    if (!check.found) throw new Error('not found');
    // The re-check before a deactivation: an undocumented status is reported, nobody deactivated.
    expect(judgeRecheck(id(1), { found: true, oktaId: check.oktaId, status: check.user.status, assigned: check.assigned, inScope: check.inScope })).toEqual({
      verdict: 'refuse',
      reason: 'status DORMANT in Okta is not one Okta documents: not deactivated',
    });
  });

  it.each([['.'], ['..']])('the login %j is no user, and nothing is sent (as a path segment it would address the user listing)', async (login) => {
    front.routes.set('/api/v1/users', () => ({ body: [user(1)] }));
    expect(await createOktaSource(frontConfig(front)).checkUser(login)).toEqual({ found: false, oktaId: login });
    expect(front.requests).toEqual([]);
  });

  it.each([
    ['with milliseconds and Z', '2024-05-01T10:00:00.123Z', '2024-05-01T10:00:00.123Z'],
    ['without milliseconds', '2024-05-01T10:00:00Z', '2024-05-01T10:00:00.000Z'],
    ['with +00:00', '2024-05-01T10:00:00.000+00:00', '2024-05-01T10:00:00.000Z'],
    ['with another offset, no milliseconds', '2024-05-01T12:00:00+02:00', '2024-05-01T10:00:00.000Z'],
  ])('lastUpdated %s is read as the same instant', async (_name, lastUpdated, read) => {
    front.routes.set('/api/v1/users', () => ({ body: [user(1, { lastUpdated })] }));
    expect(await createOktaSource(frontConfig(front)).listUpdatedSince('2024-01-01T00:00:00.000Z')).toEqual([{ id: id(1), lastUpdated: read }]);
  });
});

describe('group names the `q` query does not bring back', () => {
  let front: OktaFront;
  beforeEach(async () => {
    front = await startOktaFront();
  });
  afterEach(() => front.close());

  it('a name that hundreds of others begin with is found by a search on the exact name', async () => {
    const TEAM = '00g1teamteamteamteam';
    front.routes.set('/api/v1/groups', (url) => {
      // q is never paged and answers at most `limit` groups: here, only others named "Team ...".
      if (url.searchParams.has('q')) return { body: Array.from({ length: 200 }, (_, i) => ({ id: `00g${i}`, profile: { name: `Team ${i}` } })) };
      return { body: url.searchParams.get('search') === 'profile.name eq "Team"' ? [{ id: TEAM, profile: { name: 'Team' } }] : [] };
    });
    front.routes.set(`/api/v1/groups/${TEAM}/users`, () => ({ body: [user(1)] }));
    front.routes.set(`/api/v1/apps/${APP}/users`, () => ({ body: [appUser(user(1))] }));
    const pull = await createOktaSource(frontConfig(front, { supervisorGroups: ['Team'] })).pullInScope();
    expect(pull.users).toEqual([expect.objectContaining({ id: id(1), groups: ['Team'] })]);
    expect(front.requests.filter((r) => r.path === '/api/v1/groups').map((r) => r.query)).toEqual([
      { q: 'Team', limit: '200' },
      { search: 'profile.name eq "Team"', limit: '200' },
    ]);
  });

  it('of two groups with the same name, the one a full `q` answer leaves out is found by the search as well', async () => {
    const [FIRST, SECOND] = ['00g1teamteamteamtea1', '00g1teamteamteamtea2'];
    front.routes.set('/api/v1/groups', (url) => {
      if (url.searchParams.has('q')) return { body: [{ id: FIRST, profile: { name: 'Team' } }, ...Array.from({ length: 199 }, (_, i) => ({ id: `00g${i}`, profile: { name: `Team ${i}` } }))] };
      return { body: url.searchParams.get('search') === 'profile.name eq "Team"' ? [{ id: FIRST, profile: { name: 'Team' } }, { id: SECOND, profile: { name: 'Team' } }] : [] };
    });
    front.routes.set(`/api/v1/groups/${FIRST}/users`, () => ({ body: [user(1)] }));
    front.routes.set(`/api/v1/groups/${SECOND}/users`, () => ({ body: [user(2)] }));
    front.routes.set(`/api/v1/apps/${APP}/users`, () => ({ body: [appUser(user(1)), appUser(user(2))] }));
    const pull = await createOktaSource(frontConfig(front, { supervisorGroups: ['Team'] })).pullInScope();
    expect(pull.users.map((u) => [u.id, u.groups])).toEqual([
      [id(1), ['Team']],
      [id(2), ['Team']],
    ]);
  });

  it('a `q` answer short of the limit with the exact name is taken as it is: no search', async () => {
    const TEAM = '00g1teamteamteamteam';
    front.routes.set('/api/v1/groups', (url) => ({ body: url.searchParams.has('q') ? [{ id: TEAM, profile: { name: 'Team' } }, { id: '00g2', profile: { name: 'Team B' } }] : [] }));
    front.routes.set(`/api/v1/groups/${TEAM}/users`, () => ({ body: [user(1)] }));
    front.routes.set(`/api/v1/apps/${APP}/users`, () => ({ body: [appUser(user(1))] }));
    await createOktaSource(frontConfig(front, { supervisorGroups: ['Team'] })).pullInScope();
    expect(front.requests.filter((r) => r.path === '/api/v1/groups').map((r) => r.query)).toEqual([{ q: 'Team', limit: '200' }]);
  });

  it('a name found by neither is a configuration error naming the setting', async () => {
    front.routes.set('/api/v1/groups', () => ({ body: [] }));
    await expect(createOktaSource(frontConfig(front, { supervisorGroups: ['Nobody "quoted"'] })).pullInScope()).rejects.toMatchObject({
      kind: 'config',
      message: 'SUPERVISOR_GROUPS: Okta has no group named "Nobody "quoted""; name the group as Okta has it, or set SUPERVISOR_GROUPS=off when no group gives the supervisor role',
    });
    expect(front.requests.map((r) => r.query.search)).toEqual([undefined, 'profile.name eq "Nobody \\"quoted\\""']);
  });
});
