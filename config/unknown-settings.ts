import { SECRET_SETTINGS } from './setting-docs';
import { settingsSchema } from './settings';

// A setting misspelled in the environment (DEACTIVATION_MAX_PERCNT) would leave the default in
// force without a word: environment variables named like ours but not ours are told, with the
// nearest setting's name.

/** The name stems of this product's settings. */
const OWN_PREFIXES = ['OKTA_', 'WFM_', 'DEACTIVATION_', 'OFFBOARD_', 'SYNC_', 'INCREMENTAL_', 'HTTP_', 'ADMIN_', 'DASHBOARD_', 'REDIS_', 'QUEUE_', 'JOB_', 'SHUTDOWN_', 'WRITE_', 'MAPPING_'];

const KNOWN: ReadonlySet<string> = new Set([...Object.keys(settingsSchema.shape), ...SECRET_SETTINGS.map((name) => `${name}_FILE`)]);

/** Edits (insert, delete, replace) between two names. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The setting a name most likely meant: within 3 edits, or one that starts or ends with it. */
function nearest(name: string): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const known of KNOWN) {
    const d = known.startsWith(name) || name.startsWith(known) ? 1 : distance(name, known);
    if (d <= 3 && (best === undefined || d < best.d)) best = { name: known, d };
  }
  return best?.name;
}

/** One line for each variable set in `env` that is named like a setting but is none. */
export function unknownSettings(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.keys(env)
    .filter((name) => env[name] !== undefined && OWN_PREFIXES.some((p) => name.startsWith(p)) && !KNOWN.has(name))
    .sort()
    .map((name) => {
      const meant = nearest(name);
      return `${name} is not a setting of okta-wfm-sync, and is ignored${meant !== undefined ? ` (did you mean ${meant}?)` : ''}`;
    });
}
