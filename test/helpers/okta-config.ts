import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OktaSourceConfig } from '../../clients/okta';
import { IN_SCOPE_STATUSES } from '../../config/load-config';
import { secretFromValue } from '../../config/secret';
import type { OktaSandbox } from '../../sandbox/okta/server';

/** The Okta source settings that point at a sandbox Okta, as the defaults would make them. */
export function sandboxOktaConfig(okta: OktaSandbox, overrides: Partial<OktaSourceConfig> = {}): OktaSourceConfig {
  return {
    orgUrl: okta.url,
    apiToken: secretFromValue(okta.token),
    appId: okta.appId,
    supervisorGroups: ['WFM Supervisors'],
    inScopeStatuses: [...IN_SCOPE_STATUSES],
    pageSize: 500,
    requestTimeoutMs: 10000,
    ...overrides,
  } as OktaSourceConfig;
}

/**
 * Runs `work` with the environment of an OAuth service app whose private key (PEM) is in a file,
 * as an admin sets it up; the file is removed after.
 */
export async function withServiceAppEnv(app: Readonly<{ clientId: string; keyId: string; pem: string }>, work: (env: Record<string, string>) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'okta-service-app-'));
  try {
    writeFileSync(join(dir, 'key.pem'), app.pem);
    await work({ OKTA_API_TOKEN: '', OKTA_CLIENT_ID: app.clientId, OKTA_PRIVATE_KEY_FILE: join(dir, 'key.pem'), OKTA_KEY_ID: app.keyId });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Okta source settings of an OAuth service app on a sandbox Okta (no API token), with fast retries. */
export function serviceAppConfig(okta: OktaSandbox, oauth: NonNullable<OktaSourceConfig['oauth']>, overrides: Partial<OktaSourceConfig> = {}): OktaSourceConfig {
  const { apiToken: _token, ...rest } = sandboxOktaConfig(okta);
  return { ...rest, oauth, retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...overrides } as OktaSourceConfig;
}
