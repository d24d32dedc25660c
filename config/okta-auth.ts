import { sdkPrivateKey } from './private-key';
import type { Secret } from './secret';

/** The OAuth 2.0 service app Okta is read with instead of an API token (the SDK's PrivateKey mode). */
export type OktaOAuth = Readonly<{
  clientId: string;
  /** PEM or JWK; re-read from OKTA_PRIVATE_KEY_FILE on use. */
  privateKey: Secret;
  keyId?: string;
  scopes: readonly string[];
}>;

const SERVICE_APP = ['OKTA_CLIENT_ID', 'OKTA_PRIVATE_KEY'] as const;

/**
 * Exactly one way to authenticate to Okta: OKTA_API_TOKEN, or the service app (OKTA_CLIENT_ID and
 * OKTA_PRIVATE_KEY, with OKTA_KEY_ID and OKTA_SCOPES optional). `input` holds the settings with
 * secrets already read from their files. Adds one line per problem, each naming the settings.
 */
export function checkOktaAuth(input: Readonly<Record<string, string | undefined>>, problems: string[]): void {
  const token = input.OKTA_API_TOKEN !== undefined;
  const given = SERVICE_APP.filter((name) => input[name] !== undefined);
  if (token && given.length > 0) {
    problems.push(`OKTA_API_TOKEN: set either OKTA_API_TOKEN or the service app (${given.join(', ')}), not both`);
    return;
  }
  if (!token && given.length === 0) {
    problems.push('OKTA_API_TOKEN: is required (or OKTA_API_TOKEN_FILE), unless the service app OKTA_CLIENT_ID and OKTA_PRIVATE_KEY are set');
    return;
  }
  if (token) {
    for (const name of ['OKTA_KEY_ID'] as const) {
      if (input[name] !== undefined) problems.push(`${name}: belongs to the service app (OKTA_CLIENT_ID, OKTA_PRIVATE_KEY), not to OKTA_API_TOKEN`);
    }
    return;
  }
  if (input.OKTA_CLIENT_ID === undefined) problems.push('OKTA_CLIENT_ID: is required with OKTA_PRIVATE_KEY');
  const key = input.OKTA_PRIVATE_KEY;
  if (key === undefined) {
    problems.push('OKTA_PRIVATE_KEY: is required (or OKTA_PRIVATE_KEY_FILE) with OKTA_CLIENT_ID');
    return;
  }
  const parsed = sdkPrivateKey(key, input.OKTA_KEY_ID);
  if (!parsed.ok) problems.push(`OKTA_PRIVATE_KEY: ${parsed.problem}`);
}
