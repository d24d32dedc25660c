import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_MAPPING, buildMapping, type Mapping } from './mapping';
import { secretFromFile, secretFromValue, readSecretFile, type Secret } from './secret';
import { SECRET_SETTINGS, settingsSchema, type SettingName, type Settings } from './settings';

export type AppConfig = Readonly<{
  okta: Readonly<{
    orgUrl: string;
    apiToken: Secret;
    appId: string;
    supervisorGroups: readonly string[];
    inScopeStatuses: readonly string[];
    pageSize: number;
    requestTimeoutMs: number;
  }>;
  wfm: Readonly<{
    scimUrl: string;
    scimToken: Secret;
    apiUrl: string;
    accessKeyId: string;
    accessKeySecret: Secret;
    concurrency: number;
    pageSize: number;
    readMode: 'list' | 'lookup';
    requestTimeoutMs: number;
    maxRetries: number;
  }>;
  redis: Readonly<{ url: string; prefix: string }>;
  mapping: Mapping;
  logLevel: Settings['LOG_LEVEL'];
}>;

/** Thrown with one line per problem, each naming the setting. The CLI exits 2 on it. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export const IN_SCOPE_STATUSES = ['ACTIVE', 'PROVISIONED', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT'] as const;

type Env = Readonly<Record<string, string | undefined>>;

/** Reads secrets given as NAME_FILE; checks that exactly one of NAME and NAME_FILE is set. */
function resolveSecrets(env: Env, problems: string[]): { values: Record<string, string | undefined>; secrets: Map<string, Secret> } {
  const values: Record<string, string | undefined> = { ...env };
  const secrets = new Map<string, Secret>();
  for (const name of SECRET_SETTINGS) {
    const direct = blankToUndefined(env[name]);
    const file = blankToUndefined(env[`${name}_FILE`]);
    if (direct !== undefined && file !== undefined) {
      problems.push(`${name}: set either ${name} or ${name}_FILE, not both`);
      continue;
    }
    if (file !== undefined) {
      try {
        values[name] = readSecretFile(file);
        secrets.set(name, secretFromFile(file));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
        problems.push(`${name}_FILE: cannot read ${file} (${code})`);
      }
    } else if (direct !== undefined) {
      secrets.set(name, secretFromValue(direct.trim()));
    }
  }
  return { values, secrets };
}

function blankToUndefined(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

function loadMapping(path: string | undefined, problems: string[]): Mapping {
  if (path === undefined) return DEFAULT_MAPPING;
  if (!existsSync(path)) {
    problems.push(`MAPPING_FILE: ${path} does not exist`);
    return DEFAULT_MAPPING;
  }
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    problems.push(`MAPPING_FILE: ${path} is not valid YAML (${(err as Error).message.split('\n')[0]})`);
    return DEFAULT_MAPPING;
  }
  const built = buildMapping(doc);
  for (const p of built.problems) problems.push(`MAPPING_FILE: ${p}`);
  return built.mapping ?? DEFAULT_MAPPING;
}

/** Parses the environment once into a frozen configuration, or throws ConfigError. */
export function loadConfig(env: Env): AppConfig {
  const problems: string[] = [];
  const { values, secrets } = resolveSecrets(env, problems);
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(settingsSchema.shape)) input[key] = blankToUndefined(values[key]);
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'configuration');
      const missing = input[name] === undefined;
      const hint = SECRET_SETTINGS.includes(name as SettingName) ? ` (or ${name}_FILE)` : '';
      problems.push(missing ? `${name}: is required${hint}` : `${name}: ${issue.message}`);
    }
  }
  const mapping = loadMapping(blankToUndefined(env.MAPPING_FILE), problems);
  if (problems.length > 0 || !parsed.success) throw new ConfigError(dedupe(problems));
  const s = parsed.data;
  const secret = (name: SettingName): Secret => secrets.get(name) ?? secretFromValue(String(s[name]));
  return deepFreeze({
    okta: {
      orgUrl: s.OKTA_ORG_URL,
      apiToken: secret('OKTA_API_TOKEN'),
      appId: s.OKTA_APP_ID,
      supervisorGroups: s.SUPERVISOR_GROUPS,
      inScopeStatuses: [...IN_SCOPE_STATUSES],
      pageSize: 500,
      requestTimeoutMs: s.OKTA_TIMEOUT_MS,
    },
    wfm: {
      scimUrl: s.WFM_SCIM_URL,
      scimToken: secret('WFM_SCIM_TOKEN'),
      apiUrl: s.WFM_API_URL,
      accessKeyId: s.WFM_ACCESS_KEY_ID,
      accessKeySecret: secret('WFM_ACCESS_KEY_SECRET'),
      concurrency: s.WFM_CONCURRENCY,
      pageSize: s.WFM_PAGE_SIZE,
      readMode: s.WFM_READ_MODE,
      requestTimeoutMs: s.WFM_TIMEOUT_MS,
      maxRetries: s.WFM_MAX_RETRIES,
    },
    redis: { url: s.REDIS_URL, prefix: s.QUEUE_PREFIX },
    mapping,
    logLevel: s.LOG_LEVEL,
  });
}

function dedupe(lines: string[]): string[] {
  return [...new Set(lines)];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
