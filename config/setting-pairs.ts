// Problems that span several settings (one line each, naming the setting): checked once every
// setting has been read on its own (config/settings.ts).
import type { Settings } from './settings';
import { checkServiceUrl } from './url';

/**
 * On a Redis Cluster every key of a run (and BullMQ's keys of a queue) must share one slot, for its
 * scripts and transactions: the prefix needs a hash tag. A cluster has database 0 only.
 */
function clusterProblems(seeds: readonly string[], prefix: string): string[] {
  const problems: string[] = [];
  if (!/\{[^{}]+\}/.test(prefix)) problems.push(`QUEUE_PREFIX: must hold a hash tag such as {${prefix.replace(/[{}]/g, '') || 'okta-wfm'}} with REDIS_CLUSTER=true, so every key lives in one slot`);
  for (const url of seeds) {
    const db = /^rediss?:\/\/[^/]*\/(\d+)/.exec(url)?.[1];
    if (db !== undefined && db !== '0') problems.push(`REDIS_URL: selects database ${db}, but a Redis Cluster has database 0 only`);
  }
  return problems;
}

/** Seed nodes are a cluster's: one server is reached at one URL. */
export function redisProblems(s: Settings): string[] {
  if (s.REDIS_CLUSTER) return clusterProblems(s.REDIS_URL, s.QUEUE_PREFIX);
  return s.REDIS_URL.length > 1 ? ['REDIS_URL: holds several URLs; a list is for REDIS_CLUSTER=true'] : [];
}

/** The services' URLs: plain http only for loopback hosts, unless ALLOW_PLAIN_HTTP. */
export function plainHttpProblems(s: Settings): string[] {
  if (s.ALLOW_PLAIN_HTTP) return [];
  const urls = { OKTA_ORG_URL: s.OKTA_ORG_URL, WFM_SCIM_URL: s.WFM_SCIM_URL, WFM_API_URL: s.WFM_API_URL };
  return Object.entries(urls).flatMap(([name, url]) => {
    const problem = url === undefined ? undefined : checkServiceUrl(url);
    return problem === undefined ? [] : [`${name}: ${problem}`];
  });
}

const WFM_API_SETTINGS = ['WFM_API_URL', 'WFM_ACCESS_KEY_ID', 'WFM_ACCESS_KEY_SECRET'] as const;

/** The user-management API's settings go together: all three, or none (no off-boarding). */
export function wfmApiProblems(input: Record<string, string | undefined>): string[] {
  const given = WFM_API_SETTINGS.filter((name) => input[name] !== undefined);
  if (given.length === 0 || given.length === WFM_API_SETTINGS.length) return [];
  return WFM_API_SETTINGS.filter((name) => input[name] === undefined).map(
    (name) => `${name}: is required with ${given.join(' and ')}${name === 'WFM_ACCESS_KEY_SECRET' ? ' (or WFM_ACCESS_KEY_SECRET_FILE)' : ''}; leave all three unset to run without the user-management API (no off-boarding)`,
  );
}

/**
 * The users in scope: OKTA_APP_ID's, or with OKTA_GROUPS the members of those groups instead.
 * Both set would quietly leave the app aside, so the pair is refused: one of them, not both.
 */
export function scopeProblems(input: Readonly<Record<string, string | undefined>>): string[] {
  const app = input.OKTA_APP_ID !== undefined;
  const groups = input.OKTA_GROUPS !== undefined;
  if (!app && !groups) return ['OKTA_APP_ID: is required, unless OKTA_GROUPS is set'];
  if (app && groups) {
    return ['OKTA_APP_ID, OKTA_GROUPS: set one, not both: OKTA_GROUPS puts the members of its groups in scope instead of the users of app OKTA_APP_ID, which would be ignored; unset OKTA_APP_ID to sync the groups, or OKTA_GROUPS to sync the app'];
  }
  return [];
}
