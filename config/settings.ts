import { z } from 'zod';
import { checkServiceUrl, stripTrailingSlash } from './url';

/**
 * Every environment setting: its schema, whether it is a secret (also read from NAME_FILE) and a
 * one-line description. The README's configuration reference is written from this table.
 */
export type SettingDoc = { doc: string; secret?: boolean; example?: string };

const serviceUrl = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = checkServiceUrl(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform(stripTrailingSlash);

const redisUrl = z
  .string()
  .trim()
  .refine((v) => /^rediss?:\/\/[^\s]+$/.test(v), 'must be a redis:// or rediss:// URL');

const nonEmpty = z.string().trim().min(1, 'must not be empty');
const list = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
  .refine((v) => v.length > 0, 'must name at least one group');

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

export const settingsSchema = z.object({
  OKTA_ORG_URL: serviceUrl,
  OKTA_API_TOKEN: nonEmpty,
  OKTA_APP_ID: nonEmpty.regex(/^[A-Za-z0-9]+$/, 'must be an Okta application id (letters and digits)'),
  SUPERVISOR_GROUPS: list.default(['WFM Supervisors']),
  OKTA_TIMEOUT_MS: int(1000, 300000).default(30000),
  WFM_SCIM_URL: serviceUrl,
  WFM_SCIM_TOKEN: nonEmpty,
  WFM_API_URL: serviceUrl,
  WFM_ACCESS_KEY_ID: nonEmpty,
  WFM_ACCESS_KEY_SECRET: nonEmpty,
  WFM_CONCURRENCY: int(1, 64).default(4),
  WFM_PAGE_SIZE: int(1, 1000).default(100),
  WFM_READ_MODE: z.enum(['list', 'lookup']).default('list'),
  WFM_TIMEOUT_MS: int(1000, 300000).default(30000),
  WFM_MAX_RETRIES: int(0, 20).default(5),
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9{}_.-]{1,64}$/, 'may hold letters, digits, {}, _, . and - only')
    .default('okta-wfm'),
  MAPPING_FILE: nonEmpty.optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
});

export type Settings = z.output<typeof settingsSchema>;
export type SettingName = keyof typeof settingsSchema.shape;

export const SETTING_DOCS: Record<SettingName, SettingDoc> = {
  OKTA_ORG_URL: { doc: 'Okta org URL.', example: 'https://example.okta.com' },
  OKTA_API_TOKEN: { doc: 'Okta API token (SSWS), read-only admin is enough.', secret: true },
  OKTA_APP_ID: { doc: 'The Okta app whose assigned users (directly or through a group) are synced.', example: '0oa1abcdefghijklmno' },
  SUPERVISOR_GROUPS: { doc: 'Comma-separated Okta group names whose members get the supervisor role.', example: 'WFM Supervisors' },
  OKTA_TIMEOUT_MS: { doc: 'Timeout of one Okta request, in milliseconds.' },
  WFM_SCIM_URL: { doc: 'Base URL of the WFM SCIM 2.0 endpoint (the one that holds /Users).', example: 'https://wfm.example.com/scim/v2' },
  WFM_SCIM_TOKEN: { doc: 'Bearer token for the WFM SCIM endpoint.', secret: true },
  WFM_API_URL: { doc: 'Base URL of the WFM user-management API (token, deactivate, revive).', example: 'https://api.example.com' },
  WFM_ACCESS_KEY_ID: { doc: 'Access key id for the WFM user-management API.' },
  WFM_ACCESS_KEY_SECRET: { doc: 'Access key secret for the WFM user-management API.', secret: true },
  WFM_CONCURRENCY: { doc: 'WFM writes in flight at once.' },
  WFM_PAGE_SIZE: { doc: 'Users asked for per SCIM list page (the server may return fewer).' },
  WFM_READ_MODE: { doc: '`list` pages through GET /Users; `lookup` reads each user by filter (for WFMs that refuse plain listing).' },
  WFM_TIMEOUT_MS: { doc: 'Timeout of one WFM request, in milliseconds.' },
  WFM_MAX_RETRIES: { doc: 'Retries of a WFM request that failed transiently (429, 5xx, network).' },
  REDIS_URL: { doc: 'Redis for queues, run reports and sync state.' },
  QUEUE_PREFIX: { doc: 'Prefix of every Redis key; use a hash tag such as {okta-wfm} on Redis Cluster.' },
  MAPPING_FILE: { doc: 'YAML file that overrides the default attribute mapping (see "Mapping file").', example: './mapping.yaml' },
  LOG_LEVEL: { doc: 'error, warn, info or debug. Logs go to stderr.' },
};

export const SECRET_SETTINGS = (Object.keys(SETTING_DOCS) as SettingName[]).filter((k) => SETTING_DOCS[k].secret);
