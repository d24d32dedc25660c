import { toAppConfig, type AppConfig } from './app-config';
import { loadMapping } from './mapping-file';
import { checkOktaAuth } from './okta-auth';
import { SecretFileError, secretFromFile, secretFromValue, readSecretFile, type Secret } from './secret';
import { SECRET_SETTINGS } from './setting-docs';
import { settingsSchema, type SettingName } from './settings';
import { plainHttpProblems, redisProblems, scopeProblems, wfmApiProblems } from './setting-pairs';

/** Thrown with one line per problem, each naming the setting. The CLI exits 2 on it. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export { IN_SCOPE_STATUSES } from './settings';

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
        secrets.set(name, secretFromFile(file, name));
      } catch (err) {
        problems.push(new SecretFileError(name, file, err).message);
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
  checkOktaAuth(input, problems);
  problems.push(...wfmApiProblems(input));
  if (parsed.success) problems.push(...plainHttpProblems(parsed.data));
  problems.push(...scopeProblems(input));
  // Node reads this from the environment for every TLS connection: the credentials would go to
  // whoever answers. It is refused rather than obeyed.
  if (env.NODE_TLS_REJECT_UNAUTHORIZED?.trim() === '0') {
    problems.push('NODE_TLS_REJECT_UNAUTHORIZED: is 0, which turns off TLS certificate checks for Okta, the WFM and Redis: unset it (add a CA with NODE_EXTRA_CA_CERTS instead)');
  }
  if (parsed.success) problems.push(...redisProblems(parsed.data));
  if (parsed.success && (parsed.data.ADMIN_USER === undefined) !== (parsed.data.ADMIN_PASSWORD === undefined)) {
    problems.push(parsed.data.ADMIN_USER === undefined ? 'ADMIN_USER: is required with ADMIN_PASSWORD' : 'ADMIN_PASSWORD: is required with ADMIN_USER (or ADMIN_PASSWORD_FILE)');
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(dedupe(problems));
  const s = parsed.data;
  const secret = (name: SettingName): Secret => secrets.get(name) ?? secretFromValue(String(s[name]));
  return deepFreeze(toAppConfig(s, mapping, secret));
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
