import { createOktaSource } from '../../clients/okta';
import { frontConfig, startOktaFront, type OktaFront } from '../helpers/okta-front';

// Okta's 400 E0000001 "Api validation failed" names the parameter at fault only in errorCauses.
const ID = '00u00000000000000001';
const refused = (errorCauses: unknown) => ({
  status: 400,
  headers: { 'X-Okta-Request-Id': 'req-secret-id' },
  body: { errorCode: 'E0000001', errorSummary: 'Api validation failed: filter', errorLink: 'E0000001', errorId: 'oae-front', errorCauses },
});

describe('the causes of an Okta error', () => {
  let front: OktaFront;
  beforeEach(async () => {
    front = await startOktaFront();
  });
  afterEach(() => front.close());

  const failure = async (): Promise<unknown> => createOktaSource(frontConfig(front)).checkUser(ID).catch((e: unknown) => e);

  it('the first three cause summaries are in the message, each cut to 200 characters, on one line', async () => {
    const long = `limit: ${'x'.repeat(300)}`;
    front.routes.set(`/api/v1/users/${ID}`, () =>
      refused([{ errorSummary: 'filter: Invalid value\nfor lastUpdated' }, { errorSummary: long }, { errorSummary: 'after: Invalid cursor' }, { errorSummary: 'q: fourth' }, { errorSummary: 'q: fifth' }]),
    );
    const err = await failure();
    expect(err).toMatchObject({
      kind: 'invalid',
      status: 400,
      message: `Okta get user answered 400 E0000001: Api validation failed: filter (filter: Invalid value for lastUpdated; ${long.slice(0, 200)}; after: Invalid cursor; and 2 more)`,
    });
    expect((err as Error).message).not.toMatch(/front-token|req-secret-id|q: fourth/);
  });

  it('causes with no usable summary are passed over, and only those count', async () => {
    front.routes.set(`/api/v1/users/${ID}`, () => refused([{}, { errorSummary: 7 }, { errorSummary: ' ' }, { errorSummary: 'limit: must be at most 200' }]));
    expect(await failure()).toMatchObject({ kind: 'invalid', message: 'Okta get user answered 400 E0000001: Api validation failed: filter (limit: must be at most 200)' });
  });

  it('causes sent as one object or a string (not a list) are read too, with the error code and summary', async () => {
    front.routes.set(`/api/v1/users/${ID}`, () => refused({ errorSummary: 'filter: Invalid value' }));
    expect(await failure()).toMatchObject({ kind: 'invalid', status: 400, message: 'Okta get user answered 400 E0000001: Api validation failed: filter (filter: Invalid value)' });
    front.routes.set(`/api/v1/users/${ID}`, () => refused('filter: Invalid value'));
    expect(await failure()).toMatchObject({ kind: 'invalid', status: 400, message: 'Okta get user answered 400 E0000001: Api validation failed: filter' });
  });

  it('a JSON error body that is not Okta\'s (RFC 7807 from a gateway or another implementation): the status alone, no empty summary', async () => {
    const problem = { type: 'https://example.com/errors#VIOLATIONS', title: 'Request/Response not valid', status: 500, detail: 'not valid' };
    front.routes.set(`/api/v1/users/${ID}`, () => ({ status: 500, body: problem }));
    expect(await failure()).toMatchObject({ kind: 'transient', status: 500, message: 'Okta get user answered 500' });
    front.routes.set(`/api/v1/users/${ID}`, () => ({ status: 400, body: { message: 'Bad request' } }));
    expect(await failure()).toMatchObject({ kind: 'invalid', status: 400, message: 'Okta get user answered 400' });
  });
});
