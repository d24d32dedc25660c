import { startTestApp, type TestApp } from './app';
import { startHarness, type Harness } from './harness';
import { startQuirkyScim, type Quirks, type QuirkyScim } from './quirky-scim';

/** The app (sandbox Okta, real clients) against a SCIM server of another make with these quirks, empty at first. */
export type QuirkyApp = { h: Harness; wfm: QuirkyScim; app: TestApp; close(): Promise<void> };

export async function startQuirkyApp(harness: { users: number; seed: number }, quirks: Partial<Quirks>, env: Record<string, string> = {}): Promise<QuirkyApp> {
  const h = await startHarness(harness);
  const wfm = await startQuirkyScim([], quirks);
  const app = startTestApp(h, { env: { ...env, WFM_SCIM_URL: wfm.url } });
  return {
    h,
    wfm,
    app,
    async close() {
      await app.close();
      await Promise.all([wfm.close(), h.close()]);
    },
  };
}
