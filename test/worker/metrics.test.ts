import { emptyApplied, emptyCounts, type RunReport } from '../../sync/report';
import { emptyDrift } from '../../sync/drift';
import { createMetrics } from '../../worker/metrics';

const samples = (text: string, name: string): string[] => text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

describe('the Okta rate-limit gauge', () => {
  it('has no sample before Okta has answered (a 0 would read as a spent limit), then one per endpoint family', async () => {
    const metrics = createMetrics();
    const before = await metrics.registry.metrics();
    expect(before).toMatch(/# TYPE okta_wfm_okta_rate_limit_remaining gauge/);
    expect(samples(before, 'okta_wfm_okta_rate_limit_remaining')).toEqual([]);

    metrics.oktaResponse(200, { remaining: 540, bucket: 'users' });
    metrics.oktaResponse(200, { remaining: 90, bucket: 'apps' });
    metrics.oktaResponse(200, { remaining: 539, bucket: 'users' });
    metrics.oktaResponse(500, { bucket: 'logs' });
    expect(samples(await metrics.registry.metrics(), 'okta_wfm_okta_rate_limit_remaining').sort()).toEqual([
      'okta_wfm_okta_rate_limit_remaining{bucket="apps"} 90',
      'okta_wfm_okta_rate_limit_remaining{bucket="users"} 539',
    ]);
  });
});

describe('the gauge of attributes the WFM does not keep', () => {
  const report = (over: Partial<RunReport>): RunReport => ({
    runId: 'r', kind: 'full-sync', dryRun: false, startedAt: '', finishedAt: '', planned: emptyCounts(), applied: emptyApplied(), failed: [], conflicts: [], retries: 0, durationMs: 1, drift: emptyDrift(), ...over,
  });

  it('follows the last sync run that planned, not a dry run and not off-boarding', async () => {
    const metrics = createMetrics();
    const gauge = async (): Promise<string[]> => samples(await metrics.registry.metrics(), 'okta_wfm_unkept_attributes').sort();
    metrics.runFinished(report({ unkept: ['enterprise.department', 'roles.primary'] }));
    expect(await gauge()).toEqual(['okta_wfm_unkept_attributes{attribute="enterprise.department"} 1', 'okta_wfm_unkept_attributes{attribute="roles.primary"} 1']);
    metrics.runFinished(report({ kind: 'offboard', drift: undefined }));
    metrics.runFinished(report({ dryRun: true }));
    metrics.runFinished(report({ error: 'stopped before the plan', drift: undefined }));
    expect(await gauge()).toHaveLength(2);
    metrics.runFinished(report({ kind: 'incremental-sync', unkept: ['roles.primary'] }));
    expect(await gauge()).toEqual(['okta_wfm_unkept_attributes{attribute="roles.primary"} 1']);
    metrics.runFinished(report({}));
    expect(await gauge()).toEqual([]);
  });
});
