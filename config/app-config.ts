import { groupRuleGroups, type Mapping } from './mapping';
import type { OktaOAuth } from './okta-auth';
import type { Secret } from './secret';
import type { SettingName, Settings } from './settings';

export type AppConfig = Readonly<{
  okta: Readonly<{
    orgUrl: string;
    /** SSWS; exactly one of apiToken and oauth is set. */
    apiToken?: Secret;
    oauth?: OktaOAuth;
    /** OKTA_APP_ID: whose users are in scope; unset only when scopeGroups is not empty. */
    appId?: string;
    supervisorGroups: readonly string[];
    /** OKTA_GROUPS: when not empty, the members of these groups are in scope instead of the app's users. */
    scopeGroups: readonly string[];
    /** The groups the mapping file's groupRules name: their members are read once per group. */
    ruleGroups: readonly string[];
    inScopeStatuses: readonly string[];
    pageSize: number;
    requestTimeoutMs: number;
    concurrency: number;
    rateReservePercent: number;
  }>;
  wfm: Readonly<{
    scimUrl: string;
    scimToken: Secret;
    /**
     * The user-management API (deactivate, revive), when configured: off-boarding needs it, and
     * without it a reactivation is a SCIM PUT with `active: true` (RFC 7643's way).
     */
    api?: Readonly<{ url: string; accessKeyId: string; accessKeySecret: Secret }>;
    concurrency: number;
    pageSize: number;
    readMode: 'list' | 'lookup';
    /** `always`: each update reads its user by id before the merge; `auto`: a fresh listed copy is merged into (WFM_READ_BEFORE_UPDATE). */
    readBeforeUpdate: 'auto' | 'always';
    requestTimeoutMs: number;
    maxRetries: number;
  }>;
  offboard: Readonly<{
    /** Ids per deactivate call. */
    batchSize: number;
    /** Guard: most deactivations of one run, as a share of the managed active WFM users (percent). */
    maxPercent: number;
    /** Guard: most deactivations of one run. */
    maxCount: number;
    /** How long a user must stay out of scope before it is deactivated, in milliseconds. */
    graceMs: number;
    /** Guards: how far back the deactivations of earlier unattended runs count too, in milliseconds; 0 counts each run alone. */
    windowMs: number;
  }>;
  redis: Readonly<{
    /** The first of `seeds`: the one server, or the cluster node shown first. */
    url: string;
    /** REDIS_URL's URLs: one, or (with `cluster`) seed nodes of the cluster, any of which will do. */
    seeds: readonly string[];
    prefix: string;
    cluster: boolean;
  }>;
  mapping: Mapping;
  logLevel: Settings['LOG_LEVEL'];
  worker: Readonly<{
    /** Cron patterns by run kind; undefined means no schedule. */
    schedules: Readonly<{ 'full-sync'?: string; 'incremental-sync'?: string; offboard?: string }>;
    timeZone: string;
    maxWritesPerSecond: number;
    writeAttempts: number;
    shutdownTimeoutMs: number;
    jobLockMs: number;
  }>;
  incremental: Readonly<{
    /** INCREMENTAL_RECONCILE_ABOVE: changed users above which a run reads everything instead. */
    reconcileAbove: 'auto' | number;
  }>;
  http: Readonly<{
    port: number;
    host: string;
    adminToken?: Secret;
    adminUser?: string;
    adminPassword?: Secret;
    /** HTTP_TRUSTED_PROXIES, as Express's `trust proxy` takes them; empty: the socket's address is the client's. */
    trustedProxies: readonly string[];
    /** DASHBOARD_READ_ONLY: the queue dashboard shows the queues but cannot change them. */
    dashboardReadOnly: boolean;
  }>;
}>;

/**
 * The configuration the settings describe, once every one of them has been checked: `secret`
 * gives a secret setting's value (read from NAME or from the file NAME_FILE names).
 */
export function toAppConfig(s: Settings, mapping: Mapping, secret: (name: SettingName) => Secret): AppConfig {
  return {
    okta: {
      orgUrl: s.OKTA_ORG_URL,
      ...(s.OKTA_API_TOKEN !== undefined ? { apiToken: secret('OKTA_API_TOKEN') } : {}),
      ...(s.OKTA_CLIENT_ID !== undefined && s.OKTA_PRIVATE_KEY !== undefined
        ? {
            oauth: {
              clientId: s.OKTA_CLIENT_ID,
              privateKey: secret('OKTA_PRIVATE_KEY'),
              ...(s.OKTA_KEY_ID !== undefined ? { keyId: s.OKTA_KEY_ID } : {}),
              scopes: s.OKTA_SCOPES,
            },
          }
        : {}),
      ...(s.OKTA_APP_ID !== undefined ? { appId: s.OKTA_APP_ID } : {}),
      supervisorGroups: s.SUPERVISOR_GROUPS,
      scopeGroups: s.OKTA_GROUPS ?? [],
      ruleGroups: groupRuleGroups(mapping),
      inScopeStatuses: s.OKTA_IN_SCOPE_STATUSES,
      pageSize: 500,
      requestTimeoutMs: s.OKTA_TIMEOUT_MS,
      concurrency: s.OKTA_CONCURRENCY,
      rateReservePercent: s.OKTA_RATE_RESERVE,
    },
    wfm: {
      scimUrl: s.WFM_SCIM_URL,
      scimToken: secret('WFM_SCIM_TOKEN'),
      ...(s.WFM_API_URL !== undefined && s.WFM_ACCESS_KEY_ID !== undefined && s.WFM_ACCESS_KEY_SECRET !== undefined
        ? { api: { url: s.WFM_API_URL, accessKeyId: s.WFM_ACCESS_KEY_ID, accessKeySecret: secret('WFM_ACCESS_KEY_SECRET') } }
        : {}),
      concurrency: s.WFM_CONCURRENCY,
      pageSize: s.WFM_PAGE_SIZE,
      readMode: s.WFM_READ_MODE,
      readBeforeUpdate: s.WFM_READ_BEFORE_UPDATE,
      requestTimeoutMs: s.WFM_TIMEOUT_MS,
      maxRetries: s.WFM_MAX_RETRIES,
    },
    offboard: {
      batchSize: s.WFM_DEACTIVATE_BATCH,
      maxPercent: s.DEACTIVATION_MAX_PERCENT,
      maxCount: s.DEACTIVATION_MAX_COUNT,
      graceMs: s.OFFBOARD_GRACE,
      windowMs: s.DEACTIVATION_WINDOW,
    },
    redis: { url: s.REDIS_URL[0], seeds: s.REDIS_URL, prefix: s.QUEUE_PREFIX, cluster: s.REDIS_CLUSTER },
    mapping,
    logLevel: s.LOG_LEVEL,
    worker: {
      schedules: {
        ...(s.SYNC_CRON !== 'off' ? { 'full-sync': s.SYNC_CRON } : {}),
        ...(s.INCREMENTAL_CRON !== 'off' ? { 'incremental-sync': s.INCREMENTAL_CRON } : {}),
        // Off-boarding deactivates through the user-management API: without it there is no schedule.
        ...(s.OFFBOARD_CRON !== 'off' && s.WFM_API_URL !== undefined && s.WFM_READ_MODE === 'list' ? { offboard: s.OFFBOARD_CRON } : {}),
      },
      timeZone: s.SYNC_TZ,
      maxWritesPerSecond: s.WFM_MAX_RPS,
      writeAttempts: s.WRITE_ATTEMPTS,
      shutdownTimeoutMs: s.SHUTDOWN_TIMEOUT_MS,
      jobLockMs: s.JOB_LOCK_MS,
    },
    incremental: { reconcileAbove: s.INCREMENTAL_RECONCILE_ABOVE },
    http: {
      port: s.HTTP_PORT,
      host: s.HTTP_HOST,
      ...(s.ADMIN_TOKEN !== undefined ? { adminToken: secret('ADMIN_TOKEN') } : {}),
      ...(s.ADMIN_USER !== undefined ? { adminUser: s.ADMIN_USER } : {}),
      ...(s.ADMIN_PASSWORD !== undefined ? { adminPassword: secret('ADMIN_PASSWORD') } : {}),
      trustedProxies: s.HTTP_TRUSTED_PROXIES,
      dashboardReadOnly: s.DASHBOARD_READ_ONLY,
    },
  };
}
