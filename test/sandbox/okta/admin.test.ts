import { generateKeyPairSync } from 'node:crypto';
import { startOktaSandbox, type OktaSandbox } from '../../../sandbox/okta/server';
import { asArray, asObject, call } from './helpers';

describe('the /_sandbox admin routes', () => {
  let sandbox: OktaSandbox;
  const post = (path: string, body?: unknown): ReturnType<typeof call> => call(sandbox, path, { method: 'POST', body: body ?? {} });
  const del = (path: string): ReturnType<typeof call> => call(sandbox, path, { method: 'DELETE' });

  beforeAll(async () => {
    sandbox = await startOktaSandbox({ token: 'admin-test-token', appId: '0oaadmintest0000001' });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  test('need the SSWS token (not a Bearer token)', async () => {
    expect((await call(sandbox, '/_sandbox/requests', { authorization: null })).status).toBe(401);
    expect((await call(sandbox, '/_sandbox/requests', { authorization: 'SSWS nope' })).status).toBe(401);
    expect((await call(sandbox, '/_sandbox/requests', { authorization: 'Bearer admin-test-token' })).status).toBe(401);
  });

  test('drive a user through its life, as another process would', async () => {
    const created = await post('/_sandbox/users', { profile: { firstName: 'Remote', lastName: 'Driver', login: 'remote.driver@example.com', email: 'remote.driver@example.com' } });
    expect(created.status).toBe(201);
    const id = String(asObject(created.body).id);
    expect(asObject(created.body).status).toBe('ACTIVE');
    expect((await post('/_sandbox/users', { profile: { firstName: 'R', lastName: 'D', login: 'REMOTE.driver@example.com', email: 'x@example.com' } })).status).toBe(400);

    const profile = await post(`/_sandbox/users/${id}/profile`, { department: 'Retention' });
    expect(asObject(asObject(profile.body).profile).department).toBe('Retention');
    const group = await post('/_sandbox/groups', { name: 'Weekend Shift' });
    expect(group.status).toBe(201);
    const groupId = String(asObject(group.body).id);
    expect((await post(`/_sandbox/groups/${groupId}/users/${id}`)).status).toBe(204);
    expect((await post(`/_sandbox/apps/${sandbox.appId}/groups/${groupId}`)).status).toBe(204);
    expect(sandbox.state.appUser(sandbox.appId, id)?.scope).toBe('GROUP');
    expect((await post(`/_sandbox/apps/${sandbox.appId}/users/${id}`)).status).toBe(204);
    expect(sandbox.state.appUser(sandbox.appId, id)?.scope).toBe('USER');
    expect((await del(`/_sandbox/apps/${sandbox.appId}/users/${id}`)).status).toBe(204);
    expect((await del(`/_sandbox/groups/${groupId}/users/${id}`)).status).toBe(204);
    expect(sandbox.state.appUser(sandbox.appId, id)).toBeUndefined();

    expect((await del(`/_sandbox/users/${id}`)).status).toBe(400);
    const status = await post(`/_sandbox/users/${id}/status`, { status: 'DEPROVISIONED' });
    expect(asObject(status.body).status).toBe('DEPROVISIONED');
    expect((await post(`/_sandbox/users/${id}/status`, { status: 'ASLEEP' })).status).toBe(400);
    expect((await del(`/_sandbox/users/${id}`)).status).toBe(204);
    expect((await call(sandbox, `/api/v1/users/${id}`)).status).toBe(404);
    expect((await post('/_sandbox/users/00unobody/status', { status: 'ACTIVE' })).status).toBe(404);

    const types = sandbox.state.events().filter((e) => e.target.some((t) => t.id === id)).map((e) => e.eventType);
    expect(types).toEqual([
      'user.lifecycle.create', 'user.lifecycle.activate', 'user.account.update_profile', 'group.user_membership.add',
      'application.user_membership.add', 'group.user_membership.remove', 'application.user_membership.remove',
      'user.lifecycle.deactivate', 'user.lifecycle.delete.initiated', 'user.lifecycle.delete.completed',
    ]);
  });

  test('seed, summary, faults, rate limits, request log, service apps', async () => {
    const seeded = await post('/_sandbox/seed', { users: 60, seed: 4 });
    expect(asObject(seeded.body)).toMatchObject({ appId: sandbox.appId, users: 60 });
    const summary = asObject((await call(sandbox, '/_sandbox/summary')).body);
    expect(asArray(summary.inScope).length).toBeGreaterThan(40);
    expect(summary.totalUsers).toBe(60);

    const faults = await post('/_sandbox/faults', { rateLimitNext: 2, largeProfiles: true });
    expect(asObject(faults.body)).toMatchObject({ rateLimitNext: 2, largeProfiles: true, latencyMs: 0 });
    expect(sandbox.faults.rateLimitNext).toBe(2);
    expect((await post('/_sandbox/faults', { rateLimitNext: -1 })).status).toBe(400);
    expect((await post('/_sandbox/faults', { notAFault: true })).status).toBe(400);
    expect(asObject((await del('/_sandbox/faults')).body).rateLimitNext).toBe(0);
    expect(asObject((await post('/_sandbox/rate-limits', { limits: { apps: 7 } })).body)).toMatchObject({ limits: { apps: 7 } });
    expect((await call(sandbox, `/api/v1/apps/${sandbox.appId}/users`)).headers.get('x-rate-limit-limit')).toBe('7');

    expect(asArray((await call(sandbox, '/_sandbox/requests')).body).length).toBeGreaterThan(0);
    expect((await post('/_sandbox/reset-requests')).status).toBe(204);
    expect(asArray((await call(sandbox, '/_sandbox/requests')).body)).toEqual([]);

    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const registered = await post('/_sandbox/service-apps', { clientId: '0oaremote', jwk: publicKey.export({ format: 'jwk' }), kid: 'k1', scopes: ['okta.users.read'] });
    expect(registered.status).toBe(201);
    expect(sandbox.state.serviceApps.get('0oaremote')?.keys.map((k) => k.kid)).toEqual(['k1']);
    const malformed = await fetch(`${sandbox.url}/_sandbox/users`, {
      method: 'POST',
      headers: { Authorization: `SSWS ${sandbox.token}`, 'Content-Type': 'application/json' },
      body: '{not json',
    });
    expect(malformed.status).toBe(400);
    expect(asObject(await malformed.json()).errorCode).toBe('E0000003');
  });
});
