import { createOktaSource } from '../../clients/okta';
import { planOffboard } from '../../sync/offboard-plan';
import { frontConfig, oktaError, startOktaFront, type OktaFront } from '../helpers/okta-front';

// A user deleted in Okta between being listed (or read) and the next read: Okta answers 404
// E0000007 for it. That is one user's outcome, never the run's, and never a deactivation on the
// strength of one answer that may be stale.
const APP = '0oa1appappappappapp1';
const id = (n: number): string => `00u${String(n).padStart(17, '0')}`;
const user = (n: number): Record<string, unknown> => ({ id: id(n), status: 'ACTIVE', profile: { login: `u${n}@example.com` } });
const gone = (n: number) => oktaError(404, 'E0000007', `Not found: Resource not found: ${id(n)} (User)`);

describe('users deleted in Okta while a run reads them', () => {
  let front: OktaFront;
  beforeEach(async () => {
    front = await startOktaFront();
  });
  afterEach(() => front.close());

  it('an app user whose embedded user is null, or a summary without a profile, is read on its own', async () => {
    front.routes.set(`/api/v1/apps/${APP}/users`, () => ({ body: [{ id: id(1), scope: 'USER', _embedded: { user: null } }, { id: id(2), scope: 'USER', _embedded: { user: { id: id(2), status: 'ACTIVE' } } }] }));
    front.routes.set(`/api/v1/users/${id(1)}`, () => ({ body: user(1) }));
    front.routes.set(`/api/v1/users/${id(2)}`, () => ({ body: user(2) }));
    const pull = await createOktaSource(frontConfig(front)).pullInScope();
    expect(pull.users.map((u) => [u.id, u.profile.login])).toEqual([[id(1), 'u1@example.com'], [id(2), 'u2@example.com']]);
    expect(pull.rejected).toEqual([]);
    // Counted, for the run to say why it made a call a user.
    expect(pull.counts).toMatchObject({ appUsers: 2, readOneByOne: 2 });
  });

  it('an app user listed without its user, then 404 when read, is rejected with the reason and kept from off-boarding; the pull goes on', async () => {
    front.routes.set(`/api/v1/apps/${APP}/users`, () => ({ body: [{ id: id(1), scope: 'USER' }, { id: id(2), scope: 'GROUP' }, { id: id(3), scope: 'USER', _embedded: { user: user(3) } }] }));
    front.routes.set(`/api/v1/users/${id(1)}`, () => ({ body: user(1) }));
    front.routes.set(`/api/v1/users/${id(2)}`, () => gone(2));
    const pull = await createOktaSource(frontConfig(front)).pullInScope();
    expect(pull.users.map((u) => u.id)).toEqual([id(3), id(1)]);
    expect(pull.counts).toEqual({ appUsers: 3, inScope: 2, outOfScope: 0, rejected: 1, supervisors: 0, readOneByOne: 2 });
    expect(pull.rejected).toEqual([
      {
        oktaId: id(2),
        userName: '',
        reason: `Okta listed this user in app ${APP}, then had no such user when it was read (deleted meanwhile?): not synced, and not off-boarded, this run (Okta get user ${id(2)} answered 404 E0000007: Not found: Resource not found: ${id(2)} (User))`,
      },
    ]);
    // Off-boarding counts the users a pull rejected as in scope: this run's pull alone makes no candidate of it.
    const wfmUsers = [1, 2, 3].map((n) => ({ id: `w${n}`, externalId: id(n), userName: `u${n}@example.com`, active: true, version: undefined, raw: { schemas: [] } }));
    const plan = planOffboard({ wfmUsers, inScopeIds: new Set([...pull.users.map((u) => u.id), ...pull.rejected.map((r) => r.oktaId)]), outSince: new Map(), now: 0, graceMs: 0 });
    expect(plan).toMatchObject({ candidates: [], waiting: [], mark: [] });
  });

  it('a login Okta cannot be asked for by path (one with a /) is found by the profile.login filter; one nobody has is not found', async () => {
    const slashed = { ...user(1), profile: { login: 'team/u1@example.com' } };
    front.routes.set('/api/v1/users', (url) => ({ body: url.searchParams.get('filter') === 'profile.login eq "team/u1@example.com"' ? [slashed] : [] }));
    front.routes.set(`/api/v1/users/${id(1)}/groups`, () => ({ body: [] }));
    front.routes.set(`/api/v1/apps/${APP}/users/${id(1)}`, () => ({ body: { id: id(1), scope: 'USER' } }));
    const source = createOktaSource(frontConfig(front));
    expect(await source.checkUser('team/u1@example.com')).toMatchObject({ found: true, oktaId: id(1) });
    expect(front.requests.map((r) => r.path).slice(0, 2)).toEqual(['/api/v1/users/team%2Fu1%40example.com', '/api/v1/users']);
    expect(await source.checkUser('nobody/x@example.com')).toEqual({ found: false, oktaId: 'nobody/x@example.com' });
    // An Okta id Okta does not know is not searched for.
    front.requests.length = 0;
    front.routes.set(`/api/v1/users/${id(2)}`, () => gone(2));
    expect(await source.checkUser(id(2))).toEqual({ found: false, oktaId: id(2) });
    expect(front.requests).toHaveLength(1);
  });

  it('a user whose groups listing answers 404 and who is then gone is not found, under its Okta id', async () => {
    front.routes.set('/api/v1/users/u1%40example.com', () => ({ body: user(1) }));
    front.routes.set(`/api/v1/users/${id(1)}/groups`, () => gone(1));
    front.routes.set(`/api/v1/users/${id(1)}`, () => gone(1));
    const check = await createOktaSource(frontConfig(front)).checkUser('u1@example.com');
    expect(check).toEqual({ found: false, oktaId: id(1) });
    expect(front.requests.map((r) => r.path)).toEqual(['/api/v1/users/u1%40example.com', `/api/v1/users/${id(1)}/groups`, `/api/v1/users/${id(1)}`]);
  });

  // Bad data fails that one user: the incremental run rejects it, and off-boarding's re-check refuses to act on it.
  it('a user still there whose groups listing answers 404 is that user\'s bad data, not a deleted user', async () => {
    front.routes.set(`/api/v1/users/${id(1)}`, () => ({ body: user(1) }));
    front.routes.set(`/api/v1/users/${id(1)}/groups`, () => gone(1));
    const err: unknown = await createOktaSource(frontConfig(front)).checkUser(id(1)).catch((e: unknown) => e);
    expect(err).toMatchObject({
      kind: 'invalid',
      service: 'okta',
      message: `Okta list groups of user answered 404 E0000007: Not found: Resource not found: ${id(1)} (User), though the user itself is still there`,
    });
  });
});
