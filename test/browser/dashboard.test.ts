import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { loadConfig } from '../../config/load-config';
import { createLogger } from '../../worker/logger';
import { startWorker, type WorkerHandle } from '../../worker/runtime';
import { startHarness, type Harness } from '../helpers/harness';
import { waitFor } from '../helpers/wait';

/** Debian's chromium (`apt-get install -y chromium`; .ci/run installs it when missing). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = join(__dirname, '..', '..', 'docs', 'dashboard.png');
const ADMIN = { username: 'admin', password: 'dashboard-test-password' };

describe('the queue dashboard in a real browser, after a sync', () => {
  let h: Harness;
  let worker: WorkerHandle;
  let browser: BrowserContext | undefined;
  const profile = mkdtempSync(join(tmpdir(), 'okta-wfm-chromium-'));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    h = await startHarness({ users: 12, seed: 4 });
    const config = loadConfig({
      ...h.env, HTTP_PORT: '0', ADMIN_USER: ADMIN.username, ADMIN_PASSWORD: ADMIN.password,
      WFM_MAX_RPS: '200', INCREMENTAL_CRON: 'off', OFFBOARD_CRON: 'off',
      // Its own writes are what the cross-site guard must let through: the read-only default would refuse them first.
      DASHBOARD_READ_ONLY: 'false',
    });
    worker = await startWorker(config, createLogger({ level: 'error', pretty: false }));
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
    await worker?.close();
    await h?.close();
  });

  it('renders every queue by name, behind basic auth; the README shows its screenshot; its own writes pass the cross-site guard', async () => {
    const url = worker.http?.url ?? '';
    const basic = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`;
    const res = await fetch(`${url}/api/resync`, { method: 'POST', headers: { Authorization: basic, 'Content-Type': 'application/json' }, body: '{}' });
    const { runId } = (await res.json()) as { runId: string };
    await waitFor(() => worker.app.deps.history.get(runId), 30_000, 'the sync run');

    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      httpCredentials: ADMIN,
      viewport: { width: 1280, height: 720 },
    });
    const page = await browser.newPage();
    const answer = await page.goto(`${url}/admin/queues`, { waitUntil: 'domcontentloaded' });
    expect(answer?.status()).toBe(200);
    for (const name of ['sync', 'wfm-writes', 'offboarding']) {
      await page.getByText(name, { exact: true }).first().waitFor({ state: 'visible', timeout: 15_000 });
    }
    // The queue cards have their counts once "N Jobs" shows: the picture is of a finished page.
    await page.getByText(/^\d+ Jobs$/).first().waitFor({ state: 'visible', timeout: 15_000 });
    // The README's picture is refreshed on request, so an ordinary test run leaves the tree clean.
    const target = process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(SCREENSHOT) ? SCREENSHOT : join(profile, 'dashboard.png');
    const png = await page.screenshot({ path: target });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');

    // The dashboard's own buttons write from its page, with the Origin and Sec-Fetch-Site a real
    // browser sends: the cross-site guard must let them through.
    const status = await page.evaluate(async () => (await fetch('/admin/queues/api/queues/sync/retry/failed', { method: 'PUT' })).status);
    expect(status).toBe(200);
  });
});
