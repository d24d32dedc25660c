import { readAgainNextRun } from '../../jobs/incremental-sync';
import { emptyApplied, type Failure, type RunReport } from '../../sync/report';

describe('the users an incremental run reads again next time', () => {
  const report = (failed: Failure[]): RunReport =>
    ({ runId: 'r', kind: 'incremental-sync', dryRun: false, startedAt: '', finishedAt: '', durationMs: 0, failed, applied: emptyApplied() }) as unknown as RunReport;
  const failure = (oktaId: string, action: string, kind?: string): Failure => ({ oktaId, userName: `${oktaId}@example.com`, action, error: 'x', ...(kind ? { kind } : {}) });

  it('those whose write or Okta read failed in a way the next run may get past, not those whose data was refused, nor conflicts', () => {
    const failed = [
      failure('00u1', 'update', 'transient'),
      failure('00u2', 'create', 'invalid'),
      failure('00u3', 'reactivate', 'not-found'),
      failure('00u4', 'update'), // recorded by an earlier version, with no kind
      failure('00u5', 'conflict'),
      failure('00u6', 'map'),
      failure('00u7', 'read', 'transient'), // Okta could not serve the user
      failure('00u8', 'read', 'not-found'),
    ];
    expect(readAgainNextRun(report(failed))).toEqual(['00u1', '00u3', '00u4', '00u7', '00u8']);
  });
});
