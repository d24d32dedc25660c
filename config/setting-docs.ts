import type { SettingName } from './settings';

/** `requiredUnless`: the setting whose presence makes this optional one unnecessary (required otherwise). */
export type SettingDoc = { doc: string; secret?: boolean; example?: string; requiredUnless?: SettingName };

/**
 * Every environment setting: whether it is a secret (also read from NAME_FILE) and a one-line
 * description; its schema is in config/settings.ts. The README's configuration reference is
 * written from this table and that schema.
 */
export const SETTING_DOCS: Record<SettingName, SettingDoc> = {
  OKTA_ORG_URL: { doc: 'Okta org URL, as https://acme.okta.com: not the admin console (acme-admin.okta.com) nor a page of it or of the end-user dashboard (/admin/..., /app/UserHome, /enduser/...), which stop start-up naming the org URL meant. A custom domain, or a proxy\'s URL with a path prefix, is taken as it is.', example: 'https://example.okta.com' },
  OKTA_API_TOKEN: {
    doc: 'Okta API token (SSWS), read-only admin is enough. Required unless the OAuth service app (OKTA_CLIENT_ID, OKTA_PRIVATE_KEY) is set; never both.',
    secret: true,
  },
  OKTA_CLIENT_ID: { doc: 'OAuth service app instead of an API token: the app\'s client id (with OKTA_PRIVATE_KEY).' },
  OKTA_PRIVATE_KEY: { doc: 'The service app\'s RSA private key, as PEM or JWK (its public key registered in Okta). A PEM may be on one line with its line breaks written as \\n, as env files hold it.', secret: true },
  OKTA_KEY_ID: { doc: 'Key id (kid) of OKTA_PRIVATE_KEY as registered in Okta; a JWK\'s own kid is used when unset.' },
  OKTA_SCOPES: { doc: 'Scopes the service app asks for (space- or comma-separated); it must have been granted them.' },
  OKTA_APP_ID: {
    doc: 'The Okta app whose assigned users (directly or through a group) are synced. Not with OKTA_GROUPS, whose members are then in scope instead: setting both stops start-up.',
    example: '0oa1abcdefghijklmno',
    requiredUnless: 'OKTA_GROUPS',
  },
  OKTA_GROUPS: {
    doc: 'Comma-separated Okta groups, by name or id (00g...): when set, the members of any of them are in scope instead of the app\'s assigned users (leave OKTA_APP_ID unset: both set stops start-up). Ids are advised: a name costs one lookup a week (its ids are kept in Redis), and a group renamed in Okta keeps its id.',
  },
  OKTA_IN_SCOPE_STATUSES: {
    doc: 'Comma-separated Okta user statuses that keep an assigned user in scope (synced); a user in any other status is out of scope, and off-boarding deactivates it in the WFM (one in a status Okta does not document is reported and left active). DEPROVISIONED is never in scope.',
  },
  SUPERVISOR_GROUPS: {
    doc: 'Comma-separated Okta groups, by name or id (00g...), whose members get the supervisor role. Ids are advised: a name costs one lookup a week (its ids are kept in Redis), and a group renamed in Okta keeps its id. `off`: no group gives the supervisor role (everyone synced is an agent, unless a group rule says otherwise).',
    example: 'WFM Supervisors',
  },
  OKTA_TIMEOUT_MS: { doc: 'Timeout of one Okta request, in milliseconds.' },
  OKTA_CONCURRENCY: { doc: 'Okta calls in flight at once.' },
  OKTA_RATE_RESERVE: { doc: 'Share of each Okta rate-limit bucket left to the org\'s other clients, in percent: the sync waits for the reset rather than use it.' },
  WFM_SCIM_URL: { doc: 'Base URL of the WFM SCIM 2.0 endpoint (the one that holds /Users).', example: 'https://wfm.example.com/scim/v2' },
  WFM_SCIM_TOKEN: { doc: 'Bearer token for the WFM SCIM endpoint.', secret: true },
  WFM_API_URL: { doc: 'Base URL of the WFM user-management API (token, deactivate, revive). With its access key, or none of the three: without it off-boarding is off, and an inactive user is revived by a SCIM PUT with `active: true`.', example: 'https://api.example.com' },
  WFM_ACCESS_KEY_ID: { doc: 'Access key id for the WFM user-management API (with WFM_API_URL).' },
  WFM_ACCESS_KEY_SECRET: { doc: 'Access key secret for the WFM user-management API (with WFM_API_URL).', secret: true },
  ALLOW_PLAIN_HTTP: {
    doc: 'true: OKTA_ORG_URL, WFM_SCIM_URL and WFM_API_URL may be plain http:// for any host (a test service on a private network; the credentials then cross it in the clear). Otherwise http:// is for loopback hosts only.',
  },
  WFM_CONCURRENCY: { doc: 'WFM requests in flight at once, per process (the worker runs twice as many write jobs).' },
  WFM_PAGE_SIZE: { doc: 'Users asked for per SCIM list page (the server may return fewer).' },
  WFM_READ_MODE: { doc: '`list` pages through GET /Users; `lookup` reads each user by filter (for WFMs that refuse plain listing).' },
  WFM_READ_BEFORE_UPDATE: {
    doc: '`always`: every update reads its user (GET /Users/{id}) before it merges and PUTs, for a WFM whose listing holds fewer attributes than that read (`check` tells). `auto`: a listed copy read in the last 60 s is merged into as it is, an older one is read again.',
  },
  WFM_TIMEOUT_MS: { doc: 'Timeout of one WFM request, in milliseconds.' },
  WFM_MAX_RETRIES: { doc: 'Retries of a WFM request that failed transiently (429, 5xx, network).' },
  WFM_DEACTIVATE_BATCH: { doc: 'User ids per deactivate call of the WFM user-management API.' },
  DEACTIVATION_MAX_PERCENT: {
    doc: 'Off-boarding stops (exit 3, plan kept for `approve`) when it would deactivate more than this share of the managed active WFM users, or when the Okta in-scope count fell by more than it since the last good pull.',
  },
  DEACTIVATION_MAX_COUNT: { doc: 'Off-boarding stops (exit 3, plan kept for `approve`) when it would deactivate more than this many users.' },
  OFFBOARD_GRACE: { doc: 'How long a user must stay out of scope in Okta before off-boarding deactivates it: 0, or e.g. `30m`, `4h`, `2d`.' },
  DEACTIVATION_WINDOW: {
    doc: 'The guards also count what off-boarding deactivated on its own (not by `approve`) within this window: a run stops when those and its own deactivations together exceed DEACTIVATION_MAX_COUNT or DEACTIVATION_MAX_PERCENT, so a stream of leavers spread over many runs is held too. Approving a plan starts it again. `0` counts each run alone.',
  },
  REDIS_URL: {
    doc: 'Redis for queues, run reports and sync state. With REDIS_CLUSTER, one or more nodes of the cluster, comma-separated (all redis:// or all rediss://, with one user and password): any of them that answers is asked for the others, so start-up needs only one of them up.',
  },
  REDIS_CLUSTER: {
    doc: 'true: REDIS_URL lists seed nodes of a Redis Cluster, and commands follow the cluster to the node that holds their keys (with rediss://, nodes are reached by host name, so that their TLS certificates are checked against it, as managed clusters need). QUEUE_PREFIX must then hold a hash tag, such as {okta-wfm}, so every key lives in one slot.',
  },
  QUEUE_PREFIX: { doc: 'Prefix of every Redis key; with REDIS_CLUSTER it must hold a hash tag, such as {okta-wfm}.' },
  MAPPING_FILE: { doc: 'YAML file that overrides the default attribute mapping (see "Mapping file").', example: './mapping.yaml' },
  LOG_LEVEL: { doc: 'error, warn, info or debug. Logs go to stderr.' },
  SYNC_CRON: { doc: 'Cron of the full reconcile in the worker; `off` removes the schedule.' },
  INCREMENTAL_CRON: { doc: 'Cron of the incremental sync in the worker; `off` removes the schedule.' },
  INCREMENTAL_RECONCILE_ABOVE: {
    doc: 'When more users than this changed since the last incremental run, it reads everything as a full sync does instead of each changed user one by one. `auto`: when more than 100 changed and that costs fewer calls, estimated from the last full pull.',
  },
  OFFBOARD_CRON: { doc: 'Cron of the off-boarding run in the worker; `off` removes the schedule.' },
  SYNC_TZ: { doc: 'IANA time zone the crons are read in.' },
  WFM_MAX_RPS: { doc: 'WFM writes per second across every worker process (one cluster-wide limit). It counts write jobs: the few that take two requests (a GET before a PUT, a lookup after a 409) send more.' },
  WRITE_ATTEMPTS: { doc: 'Attempts of one queued WFM write before it is recorded as failed (transient errors only).' },
  HTTP_PORT: { doc: 'Port of the worker\'s HTTP server (health, metrics, API, dashboard); 0 picks a free one.' },
  HTTP_HOST: { doc: 'Address the HTTP server listens on. Anything but loopback requires admin credentials; without them /api and the dashboard answer only a loopback Host (localhost, 127.0.0.1, [::1]).' },
  ADMIN_TOKEN: { doc: 'Bearer token for /api and the dashboard, at least 16 characters. Required (or ADMIN_USER and ADMIN_PASSWORD) when HTTP_HOST is not a loopback address, as in docker-compose.yml.', secret: true },
  ADMIN_USER: { doc: 'User name for basic auth on /api and the dashboard (with ADMIN_PASSWORD).' },
  ADMIN_PASSWORD: { doc: 'Password for basic auth on /api and the dashboard, at least 12 characters.', secret: true },
  HTTP_TRUSTED_PROXIES: {
    doc: 'Reverse proxies in front of the HTTP server whose X-Forwarded-For names the client: comma-separated IP addresses, CIDR ranges, or loopback, linklocal, uniquelocal. Failed sign-ins are then counted per client instead of per proxy. Empty (the default): X-Forwarded-For is ignored.',
  },
  DASHBOARD_READ_ONLY: {
    doc: 'true: the queue dashboard at /admin/queues only shows the queues; its API refuses to retry, promote, clean, empty, obliterate, pause or add jobs (405). false: admins may change the queues from it, which can lose queued WFM writes or leave a run waiting for them.',
  },
  SHUTDOWN_TIMEOUT_MS: { doc: 'How long a stopping worker lets running jobs finish before it exits anyway.' },
  JOB_LOCK_MS: { doc: 'Lock of a running job; the jobs of a worker that died are taken over by another after about this long.' },
};

export const SECRET_SETTINGS = (Object.keys(SETTING_DOCS) as SettingName[]).filter((k) => SETTING_DOCS[k].secret);
