import { failedWrites } from '../../jobs/incremental-sync';
import { emptyApplied, type Failure, type RunReport } from '../../sync/report';

describe('the users an incremental run reads again next time', () => {
  const report = (failed: Failure[]): RunReport =>
    ({ runId: 'r', kind: 'incremental-sync', dryRun: false, startedAt: '', finishedAt: '', durationMs: 0, failed, applied: emptyApplied() }) as unknown as RunReport;
  const failure = (oktaId: string, action: string, kind?: string): Failure => ({ oktaId, userName: `${oktaId}@example.com`, action, error: 'x', ...(kind ? { kind } : {}) });

  it('those whose write failed in a way the next run may get past, not those whose data the WFM refused, nor conflicts', () => {
    const failed = [
      failure('00u1', 'update', 'transient'),
      failure('00u2', 'create', 'invalid'),
      failure('00u3', 'reactivate', 'not-found'),
      failure('00u4', 'update'), // recorded by an earlier version, with no kind
      failure('00u5', 'conflict'),
      failure('00u6', 'map'),
    ];
    expect(failedWrites(report(failed))).toEqual(['00u1', '00u3', '00u4']);
  });
});
