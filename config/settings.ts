import { z } from 'zod';
import { cron, csv, duration, int, list, nonEmpty, oktaOrgUrl, redisUrls, serviceUrl, timeZone, trustedProxies } from './setting-schemas';

/** Okta user statuses a user in scope may have; DEPROVISIONED (deactivated) never is: off-boarding handles it. */
export const SELECTABLE_STATUSES = ['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED'] as const;
/** Every user status Okta documents; any other (a newer one, or another make's) says nothing about whether the person left. */
export const OKTA_USER_STATUSES: readonly string[] = [...SELECTABLE_STATUSES, 'DEPROVISIONED'];
/** The statuses in scope by default: every status in which a person can sign in or is about to. */
export const IN_SCOPE_STATUSES = ['ACTIVE', 'PROVISIONED', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT'] as const;

/** Every environment setting's schema; its description, and whether it is a secret, are in config/setting-docs.ts. */
export const settingsSchema = z.object({
  OKTA_ORG_URL: oktaOrgUrl,
  OKTA_API_TOKEN: nonEmpty.optional(),
  OKTA_CLIENT_ID: nonEmpty.regex(/^[A-Za-z0-9_-]+$/, 'must be an Okta client id (letters, digits, _ and -)').optional(),
  OKTA_PRIVATE_KEY: nonEmpty.optional(),
  OKTA_KEY_ID: nonEmpty.optional(),
  OKTA_SCOPES: z
    .string()
    .transform((v) => v.split(/[\s,]+/).filter((s) => s.length > 0))
    .refine((v) => v.length > 0 && v.every((s) => /^okta\.[A-Za-z]+\.(read|manage)$/.test(s)), 'must be Okta scopes such as okta.users.read')
    .default(['okta.users.read', 'okta.groups.read', 'okta.apps.read', 'okta.logs.read']),
  // The API types an app id as a string: Okta's are letters and digits; another make may use UUIDs.
  OKTA_APP_ID: nonEmpty.regex(/^[^\s/?#%\\]+$/, 'must be an Okta application id (no spaces, and none of / ? # % \\)').optional(),
  OKTA_GROUPS: list.optional(),
  OKTA_IN_SCOPE_STATUSES: csv
    .transform((v) => v.map((s) => s.toUpperCase()))
    .refine((v) => v.length > 0, 'must name at least one status')
    .refine((v) => v.every((s) => (SELECTABLE_STATUSES as readonly string[]).includes(s)), `must list Okta user statuses among ${SELECTABLE_STATUSES.join(', ')}`)
    .default([...IN_SCOPE_STATUSES]),
  // `off`: no group gives the supervisor role (an org with no such group).
  SUPERVISOR_GROUPS: csv
    .refine((v) => v.length > 0, 'must name at least one group, or be off')
    .refine((v) => v.length === 1 || !v.some((g) => g.toLowerCase() === 'off'), 'is off alone or a list of groups, not both (a group named off goes by its id)')
    .transform((v) => (v.length === 1 && v[0]?.toLowerCase() === 'off' ? [] : v))
    .default(['WFM Supervisors']),
  OKTA_TIMEOUT_MS: int(1000, 300000).default(30000),
  OKTA_CONCURRENCY: int(1, 32).default(4),
  OKTA_RATE_RESERVE: int(0, 90).default(20),
  WFM_SCIM_URL: serviceUrl,
  WFM_SCIM_TOKEN: nonEmpty,
  WFM_API_URL: serviceUrl.optional(),
  WFM_ACCESS_KEY_ID: nonEmpty.optional(),
  WFM_ACCESS_KEY_SECRET: nonEmpty.optional(),
  ALLOW_PLAIN_HTTP: z.enum(['true', 'false'], "must be 'true' or 'false'").transform((v) => v === 'true').default(false),
  WFM_CONCURRENCY: int(1, 64).default(4),
  WFM_PAGE_SIZE: int(1, 1000).default(100),
  WFM_READ_MODE: z.enum(['list', 'lookup']).default('list'),
  WFM_READ_BEFORE_UPDATE: z.enum(['auto', 'always']).default('auto'),
  WFM_TIMEOUT_MS: int(1000, 300000).default(30000),
  WFM_MAX_RETRIES: int(0, 20).default(5),
  WFM_DEACTIVATE_BATCH: int(1, 100).default(50),
  DEACTIVATION_MAX_PERCENT: int(0, 100).default(10),
  DEACTIVATION_MAX_COUNT: int(0, 1_000_000).default(50),
  OFFBOARD_GRACE: duration.default(0),
  DEACTIVATION_WINDOW: duration.prefault('24h'),
  REDIS_URL: redisUrls.default(['redis://127.0.0.1:6379']),
  REDIS_CLUSTER: z.enum(['true', 'false'], "must be 'true' or 'false'").transform((v) => v === 'true').default(false),
  QUEUE_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9{}_.-]{1,64}$/, 'may hold letters, digits, {}, _, . and - only')
    .default('okta-wfm'),
  MAPPING_FILE: nonEmpty.optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  SYNC_CRON: cron.default('0 2 * * *'),
  INCREMENTAL_CRON: cron.default('*/5 * * * *'),
  INCREMENTAL_RECONCILE_ABOVE: z
    .string()
    .trim()
    .regex(/^(auto|\d{1,9})$/, "must be 'auto' or a number of users")
    .transform((v): 'auto' | number => (v === 'auto' ? 'auto' : Number(v)))
    .default('auto'),
  OFFBOARD_CRON: cron.default('0 * * * *'),
  SYNC_TZ: timeZone.default('UTC'),
  WFM_MAX_RPS: int(1, 10000).default(5),
  WRITE_ATTEMPTS: int(1, 50).default(8),
  HTTP_PORT: int(0, 65535).default(8080),
  HTTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
  ADMIN_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').optional(),
  ADMIN_USER: nonEmpty.optional(),
  ADMIN_PASSWORD: z.string().trim().min(12, 'must be at least 12 characters').optional(),
  HTTP_TRUSTED_PROXIES: trustedProxies.default([]),
  DASHBOARD_READ_ONLY: z.enum(['true', 'false'], "must be 'true' or 'false'").transform((v) => v === 'true').default(true),
  SHUTDOWN_TIMEOUT_MS: int(0, 600000).default(30000),
  JOB_LOCK_MS: int(1000, 600000).default(30000),
});

export type Settings = z.output<typeof settingsSchema>;
export type SettingName = keyof typeof settingsSchema.shape;
