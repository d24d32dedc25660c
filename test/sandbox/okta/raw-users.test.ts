import { createOktaState } from '../../../sandbox/okta/state';
import { startOktaSandbox, type OktaSandbox } from '../../../sandbox/okta/server';
import { asObject, call } from './helpers';

describe('sandbox Okta: insertRawUser, the test switch for data Okta would refuse', () => {
  it('skips every profile check createUser makes', () => {
    const state = createOktaState();
    const profile = { login: 'Case.Twin@example.com', email: 'not-an-email', firstName: 'A'.repeat(300) };
    expect(() => state.createUser({ profile })).toThrow();
    const first = state.insertRawUser({ profile });
    const twin = state.insertRawUser({ profile: { login: 'case.twin@example.com' }, status: 'PROVISIONED' });
    expect(twin).toMatchObject({ status: 'PROVISIONED', profile: { login: 'case.twin@example.com' } });
    expect(state.findUserByLogin('CASE.TWIN@example.com')?.id).toBe(first.id); // the first of a login keeps it
    expect(state.events().filter((e) => e.eventType === 'user.lifecycle.create')).toHaveLength(2);
  });

  describe('over HTTP', () => {
    let okta: OktaSandbox;
    beforeAll(async () => {
      okta = await startOktaSandbox();
    });
    afterAll(() => okta.close());

    it('POST /_sandbox/raw-users inserts it, and the API serves it like any user', async () => {
      const created = await call(okta, '/_sandbox/raw-users', { method: 'POST', body: { profile: { login: 'no.email@example.com', firstName: 'No' } } });
      expect(created.status).toBe(201);
      const id = String(asObject(created.body).id);
      const read = await call(okta, `/api/v1/users/${id}`);
      expect(read.status).toBe(200);
      expect(asObject(asObject(read.body).profile)).toMatchObject({ login: 'no.email@example.com', firstName: 'No' });
    });
  });
});
