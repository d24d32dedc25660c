import { SyncError } from '../../clients/errors';
import { withNextStep } from '../../jobs/next-step';
import { reportUnexpected } from '../../worker/cli';

describe('errors a person sees: one line with what to do next', () => {
  it.each<[string, unknown, string]>([
    ['an Okta credential', new SyncError('Okta get user answered 401 E0000011: Invalid token provided', { kind: 'auth', service: 'okta', status: 401 }), '; check OKTA_API_TOKEN'],
    ['the SCIM token', new SyncError('WFM SCIM GET /Users answered 401', { kind: 'auth', service: 'wfm-scim', status: 401 }), '; check WFM_SCIM_TOKEN'],
    ['the access key', new SyncError('WFM API deactivate answered 403', { kind: 'auth', service: 'wfm-api', status: 403 }), '; check WFM_ACCESS_KEY_ID and WFM_ACCESS_KEY_SECRET'],
    ['Okta rate limits', new SyncError('Okta list users answered 429', { kind: 'transient', service: 'okta', status: 429 }), 'raise OKTA_RATE_RESERVE or lower OKTA_CONCURRENCY'],
    ['WFM rate limits', new SyncError('WFM SCIM GET /Users answered 429', { kind: 'transient', service: 'wfm-scim', status: 429 }), 'lower WFM_MAX_RPS and WFM_CONCURRENCY'],
    ['a service down', new SyncError('WFM SCIM GET /Users failed: ECONNREFUSED', { kind: 'transient', service: 'wfm-scim' }), '; the service did not answer after retries; run again once it does'],
    ['a listing not to trust', new SyncError('WFM SCIM listing returned user id 7 twice: the listing cannot be trusted', { kind: 'incomplete', service: 'wfm-scim' }), '; the run stopped before any write; run again'],
    ['anything else', new Error('Connection is closed.'), 'Connection is closed; an unexpected error; run again with LOG_LEVEL=debug'],
  ])('%s', (_what, err, step) => {
    const line = withNextStep(err);
    expect(line).toContain(step);
    expect(line).not.toContain('\n');
  });

  it('leaves a message that already says what to do as it is', () => {
    const err = new SyncError("Okta refused the service app's token (invalid_client): check OKTA_CLIENT_ID, OKTA_KEY_ID, OKTA_SCOPES and the key", { kind: 'auth', service: 'okta' });
    expect(withNextStep(err)).toBe(err.message);
    expect(withNextStep(new SyncError('Okta has no user x', { kind: 'not-found', service: 'okta' }))).toBe('Okta has no user x');
  });

  it('the CLI prints an unexpected error as one line, and its stack only at LOG_LEVEL=debug', () => {
    const lines = (env: Record<string, string>): string[] => {
      const err: string[] = [];
      reportUnexpected({ env, stdout: () => undefined, stderr: (l) => err.push(l) }, new TypeError('x is not a function'));
      return err;
    };
    expect(lines({})).toEqual(['okta-wfm-sync: x is not a function; an unexpected error; run again with LOG_LEVEL=debug to see where it happened']);
    const debug = lines({ LOG_LEVEL: 'debug' });
    expect(debug[0]).toBe('okta-wfm-sync: x is not a function');
    expect(debug[1]).toMatch(/^TypeError: x is not a function\n\s+at /);
  });
});
