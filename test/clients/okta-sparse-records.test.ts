import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOktaSource, type OktaSourceConfig } from '../../clients/okta';
import { IN_SCOPE_STATUSES } from '../../config/load-config';
import { secretFromValue } from '../../config/secret';

// Okta's spec marks no property of User, AppUser or ApplicationGroupAssignment as required, so
// another implementation may list a record without an id. Skipping it would be a silent short pull.
const APP = '0oa1appappappappapp1';
const SUPERVISORS = '00g1supsupsupsupsup1';
const SCOPE = '00g2scpscpscpscpscp2';
const user = (id: string | undefined, login: string): Record<string, unknown> => ({
  ...(id !== undefined ? { id } : {}),
  status: 'ACTIVE',
  profile: { login },
});

describe('listed records missing properties the spec leaves optional', () => {
  let server: Server;
  let url = '';
  let bodies: Record<string, unknown[]> = {};

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const body = bodies[path];
      res.setHeader('Date', new Date().toUTCString());
      res.setHeader('Content-Type', 'application/json');
      res.statusCode = body ? 200 : 404;
      res.end(JSON.stringify(body ?? { errorCode: 'E0000007', errorSummary: `Not found: ${path}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    bodies = {
      [`/api/v1/groups/${SUPERVISORS}/users`]: [user('00u1aaaaaaaaaaaaaaa1', 'sup@example.com')],
      [`/api/v1/groups/${SCOPE}/users`]: [user('00u1aaaaaaaaaaaaaaa1', 'sup@example.com')],
      [`/api/v1/apps/${APP}/users`]: [{ id: '00u1aaaaaaaaaaaaaaa1', scope: 'USER', _embedded: { user: user('00u1aaaaaaaaaaaaaaa1', 'sup@example.com') } }],
      [`/api/v1/apps/${APP}/groups`]: [{ id: SCOPE, priority: 0 }],
      '/api/v1/users': [{ ...user('00u1aaaaaaaaaaaaaaa1', 'sup@example.com'), lastUpdated: '2024-05-01T10:00:00.000Z' }],
    };
  });
  const cfg = (over: Partial<OktaSourceConfig> = {}): OktaSourceConfig => ({
    orgUrl: url,
    apiToken: secretFromValue('test-token'),
    appId: APP,
    supervisorGroups: [SUPERVISORS],
    inScopeStatuses: [...IN_SCOPE_STATUSES],
    pageSize: 500,
    requestTimeoutMs: 5000,
    retry: { maxRetries: 0 },
    ...over,
  });
  const incomplete = (what: string) => ({
    kind: 'incomplete',
    service: 'okta',
    message: `Okta listed ${what} without an id: the listing cannot be trusted, so the pull stops`,
  });

  it('an app user without an id is its embedded user: it stays in scope', async () => {
    bodies[`/api/v1/apps/${APP}/users`]?.push({ scope: 'GROUP', _embedded: { user: user('00u2bbbbbbbbbbbbbbb2', 'agent@example.com') } });
    const pull = await createOktaSource(cfg()).pullInScope();
    expect(pull.users.map((u) => u.id)).toEqual(['00u1aaaaaaaaaaaaaaa1', '00u2bbbbbbbbbbbbbbb2']);
    expect(pull.counts).toMatchObject({ appUsers: 2, inScope: 2, rejected: 0 });
  });

  it('an app user with no id at all stops the pull rather than dropping the user', async () => {
    bodies[`/api/v1/apps/${APP}/users`]?.push({ scope: 'USER', status: 'PROVISIONED' });
    await expect(createOktaSource(cfg()).pullInScope()).rejects.toMatchObject(incomplete(`a user of app ${APP}`));
  });

  it.each([
    ['a role group (SUPERVISOR_GROUPS)', {}, SUPERVISORS],
    ['a scope group (OKTA_GROUPS)', { supervisorGroups: [], scopeGroups: [SCOPE] }, SCOPE],
  ])('a member without an id of %s stops the pull', async (_name, over, groupId) => {
    bodies[`/api/v1/groups/${groupId}/users`]?.push(user(undefined, 'ghost@example.com'));
    await expect(createOktaSource(cfg(over)).pullInScope()).rejects.toMatchObject(incomplete(`a member of group "${groupId}"`));
  });

  it('a changed user listed without lastUpdated is still read again; the watermark skips it', async () => {
    bodies['/api/v1/users']?.push(user('00u2bbbbbbbbbbbbbbb2', 'agent@example.com'), { ...user('00u3ccccccccccccccc3', 'x@example.com'), lastUpdated: 'not a date' });
    expect(await createOktaSource(cfg()).listUpdatedSince('2024-01-01T00:00:00.000Z')).toEqual([
      { id: '00u1aaaaaaaaaaaaaaa1', lastUpdated: '2024-05-01T10:00:00.000Z' },
      { id: '00u2bbbbbbbbbbbbbbb2', lastUpdated: '' },
      { id: '00u3ccccccccccccccc3', lastUpdated: '' },
    ]);
  });

  it('a group of the app without an id stops the app group listing', async () => {
    bodies[`/api/v1/apps/${APP}/groups`]?.push({ priority: 1 });
    await expect(createOktaSource(cfg()).listAppGroupIds()).rejects.toMatchObject(incomplete(`a group of app ${APP}`));
  });
});
