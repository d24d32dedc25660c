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
