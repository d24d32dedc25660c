import type { OktaSandbox } from './okta/server';
import type { WfmSandbox } from './wfm/server';

/** The environment that points okta-wfm-sync at a pair of running sandboxes. */
export function sandboxEnv(okta: OktaSandbox, wfm: WfmSandbox, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OKTA_ORG_URL: okta.url,
    OKTA_API_TOKEN: okta.token,
    OKTA_APP_ID: okta.appId,
    WFM_SCIM_URL: wfm.scimUrl,
    WFM_SCIM_TOKEN: wfm.scimToken,
    WFM_API_URL: wfm.apiUrl,
    WFM_ACCESS_KEY_ID: wfm.accessKeyId,
    WFM_ACCESS_KEY_SECRET: wfm.accessKeySecret,
    ...extra,
  };
}
