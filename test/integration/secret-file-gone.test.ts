import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFullSync } from '../../jobs/full-sync';
import { countRequests } from '../../sandbox/wfm/server';
import { startTestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * A secret file that goes missing while the worker runs (a volume unmounted, a rotation gone
 * wrong) stops the run with a configuration error naming the setting and the file: not a network
 * error retried and reported without a name, and never the secret.
 */
describe('a secret file gone at run time', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await startHarness({ users: 20, seed: 5 });
    dir = mkdtempSync(join(tmpdir(), 'okta-wfm-secret-gone-'));
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['OKTA_API_TOKEN', 'okta'],
    ['WFM_SCIM_TOKEN', 'wfm-scim'],
  ] as const)('%s_FILE (%s): the run stops, names the setting and the file, and retries nothing', async (setting, service) => {
    const file = join(dir, setting.toLowerCase());
    const secret = h.env[setting] ?? '';
    writeFileSync(file, `${secret}\n`);
    const app = startTestApp(h, { env: { [setting]: '', [`${setting}_FILE`]: file } });
    try {
      unlinkSync(file);
      h.okta.requests.length = 0;
      h.wfm.requests.length = 0;
      const { report, fatal } = await runFullSync(app.deps);
      expect(fatal).toMatchObject({ kind: 'config' });
      expect(report.error).toContain(`${setting}_FILE: cannot read ${file} (ENOENT)`);
      expect(JSON.stringify(report)).not.toContain(secret);
      expect(app.deps.okta.stats().retries + app.deps.scim.stats().retries).toBe(0);
      if (service === 'okta') expect(h.okta.requests).toHaveLength(0);
      else expect(countRequests(h.wfm.requests, { api: 'scim' })).toBe(0);
    } finally {
      await app.close();
    }
  });
});
