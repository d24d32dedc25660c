/**
 * The WFM attributes a mapping rule may set, named by path. Extension attributes are prefixed
 * `enterprise.`, `nice.` or `custom.` (the last needs `customSchema` in the mapping file).
 */
export const CORE_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const NICE_URN = 'urn:ietf:params:scim:schemas:extension:nice:2.0:User';

/**
 * Core attributes of the WFM's SCIM profile (WFM-API.md). Other RFC 7643 attributes (title,
 * nickName, locale...) are left out on purpose: the WFM drops them, so a rule setting one would
 * find it missing on every run and update the user every time.
 */
export const CORE_TARGETS = [
  'userName',
  'name.givenName',
  'name.familyName',
  'name.middleName',
  'displayName',
  'userType',
  'timezone',
  'emails.work',
  'phoneNumbers.mobile',
] as const;

export const ENTERPRISE_TARGETS = [
  'enterprise.employeeNumber',
  'enterprise.costCenter',
  'enterprise.organization',
  'enterprise.division',
  'enterprise.department',
  'enterprise.manager.value',
] as const;

export const NICE_TARGETS = [
  'nice.team.value',
  'nice.team.display',
  'nice.loginAuthenticator.value',
  'nice.loginAuthenticator.display',
] as const;

/** Targets every mapping must keep: the WFM refuses a user without them. */
export const REQUIRED_TARGETS = ['userName', 'name.givenName', 'name.familyName', 'emails.work'] as const;

/** Set by the sync itself, never by a rule. */
export const FIXED_TARGETS = ['externalId', 'active', 'roles.primary'] as const;

const known = new Set<string>([...CORE_TARGETS, ...ENTERPRISE_TARGETS, ...NICE_TARGETS]);
const CUSTOM_NAME = /^custom\.[A-Za-z][A-Za-z0-9_]{0,63}$/;

export function checkTargetPath(path: string, hasCustomSchema: boolean): string | undefined {
  if (known.has(path)) return undefined;
  if ((FIXED_TARGETS as readonly string[]).includes(path)) return `"${path}" is set by the sync and cannot be mapped`;
  if (CUSTOM_NAME.test(path)) {
    return hasCustomSchema ? undefined : `"${path}" needs customSchema (the custom extension URN) in the mapping file`;
  }
  return `unknown target attribute "${path}"`;
}
