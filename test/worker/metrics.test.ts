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
  it('is read at each scrape (the same in every worker process); nothing when it cannot be read', async () => {
    const metrics = createMetrics();
    const gauge = async (): Promise<string[]> => samples(await metrics.registry.metrics(), 'okta_wfm_unkept_attributes').sort();
    expect(await gauge()).toEqual([]);
    let answer: Promise<readonly string[]> = Promise.resolve(['enterprise.department', 'roles.primary']);
    metrics.watchUnkept(() => answer);
    expect(await gauge()).toEqual(['okta_wfm_unkept_attributes{attribute="enterprise.department"} 1', 'okta_wfm_unkept_attributes{attribute="roles.primary"} 1']);
    answer = Promise.reject(new Error('Redis is away'));
    expect(await gauge()).toEqual([]);
    answer = Promise.resolve([]);
    expect(await gauge()).toEqual([]);
  });
});
