import { kindForStatus, SyncError } from '../../clients/errors';
import { stopsTheRun } from '../../jobs/apply-plan';

describe('what a WFM answer means for the run', () => {
  const answered = (status: number) => new SyncError(`WFM SCIM PUT /Users/x answered ${status}`, { kind: kindForStatus(status), service: 'wfm-scim', status });

  it('a 401 refuses the credentials: the run’s writes stop; a SCIM 403 (RFC 7644 §3.12: this operation) or any other refusal fails one user', () => {
    expect([401, 403].map((s) => stopsTheRun(answered(s)))).toEqual([true, false]);
    expect(answered(403).kind).toBe('auth');
    // The user-management API's 403 still refuses the credentials.
    expect(stopsTheRun(new SyncError('WFM API answered 403', { kind: 'auth', service: 'wfm-api', status: 403 }))).toBe(true);
    expect([400, 404, 409, 412, 422, 429, 500, 503].map((s) => stopsTheRun(answered(s)))).toEqual(Array(8).fill(false));
    expect([408, 429, 500, 503].map(kindForStatus)).toEqual(['transient', 'transient', 'transient', 'transient']);
  });
});
