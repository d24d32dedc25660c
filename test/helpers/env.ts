import { ConfigError, loadConfig } from '../../config/load-config';

/** A complete, valid environment; tests override or drop single settings. */
export function validEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    OKTA_ORG_URL: 'https://example.okta.com',
    OKTA_API_TOKEN: 'okta-token-value',
    OKTA_APP_ID: '0oa1abcdefghijklmno',
    WFM_SCIM_URL: 'https://wfm.example.com/scim/v2',
    WFM_SCIM_TOKEN: 'scim-token-value',
    WFM_API_URL: 'https://api.example.com',
    WFM_ACCESS_KEY_ID: 'key-id',
    WFM_ACCESS_KEY_SECRET: 'key-secret-value',
    ...overrides,
  };
}

/** The configuration problems an environment has, one line each (none when it loads). */
export function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}
