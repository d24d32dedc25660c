import { createScimClient } from '../../clients/scim';
import { secretFromValue } from '../../config/secret';
import type { WfmSandbox } from '../../sandbox/wfm/server';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * A WFM_SCIM_URL without its base path (pasted as the WFM's host, or without /v2): the WFM answers
 * 404 to the first GET /Users, and the run stops naming the setting and the URL asked.
 */
describe('SCIM: a 404 on the first GET /Users names WFM_SCIM_URL', () => {
  let h: Harness;
  let wfm: WfmSandbox;
  beforeAll(async () => {
    h = await startHarness({ users: 5 });
    wfm = h.wfm;
  });
  afterAll(() => h.close());
  const scimAt = (scimUrl: string) => createScimClient({ scimUrl, token: secretFromValue(wfm.scimToken), pageSize: 5, requestTimeoutMs: 5000, maxRetries: 0 });

  it.each([
    ['the host alone', (w: WfmSandbox) => w.url],
    ['/scim without /v2', (w: WfmSandbox) => `${w.url}/scim/`],
  ])('%s: the listing, sampling it and both preflights stop as a setting to fix', async (_what, base) => {
    const scim = scimAt(base(wfm));
    const asked = `${base(wfm).replace(/\/+$/, '')}/Users`;
    for (const attempt of [() => scim.listAll(), () => scim.sampleListing(3), () => scim.probe('list'), () => scim.probe('lookup')]) {
      const err: unknown = await attempt().catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'config', service: 'wfm-scim', status: 404 });
      expect((err as Error).message).toMatch(/^WFM SCIM GET \/Users answered 404.*; there is no SCIM Users endpoint at (\S+): check WFM_SCIM_URL, the base URL of the WFM's SCIM 2\.0 API \(it usually ends in \/scim\/v2\)$/);
      expect((err as Error).message).toContain(`endpoint at ${asked}:`);
    }
  });

  it('sync --once exits 2 with that line, and check fails wfm-scim with it', async () => {
    const wrong = { WFM_SCIM_URL: wfm.url };
    const run = await h.cli(['sync', '--once', '--dry-run', '--json'], wrong);
    expect(run.code).toBe(2);
    expect(run.report?.error).toContain(`there is no SCIM Users endpoint at ${wfm.url}/Users: check WFM_SCIM_URL`);
    const check = await h.cli(['check', '--json'], wrong);
    expect(check.code).not.toBe(0);
    const scim = (JSON.parse(check.out.at(-1) ?? '{}') as { checks: { name: string; ok: boolean; detail: string }[] }).checks.find((c) => c.name === 'wfm-scim');
    expect(scim).toMatchObject({ ok: false, detail: expect.stringContaining(`there is no SCIM Users endpoint at ${wfm.url}/Users: check WFM_SCIM_URL`) });
  });

  it('the right base path lists as before', async () => {
    await expect(scimAt(wfm.scimUrl).listAll()).resolves.toEqual([]);
  });
});
