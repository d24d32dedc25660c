// The kinds of value a setting may hold, as zod schemas: each trims, checks and converts one
// environment string, with the message that names what is wrong. config/settings.ts builds the
// settings from them.
import { isIP } from 'node:net';
import { z } from 'zod';
import { parseDuration } from './duration';
import { checkRedisUrls, splitRedisUrls } from './redis-url';
import { checkServiceUrl, oktaConsoleUrl, stripTrailingSlash } from './url';
import { CronExpressionParser } from 'cron-parser';

export const serviceUrl = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    // Plain http to a host other than loopback is refused in loadConfig, unless ALLOW_PLAIN_HTTP.
    const problem = checkServiceUrl(value, true);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform(stripTrailingSlash);

/** One URL, or a cluster's seed nodes, comma-separated (that a list goes with REDIS_CLUSTER is checked in loadConfig). */
export const redisUrls = z.string().transform((value, ctx): [string, ...string[]] => {
  const urls = splitRedisUrls(value);
  const problem = checkRedisUrls(urls);
  const [first, ...rest] = urls;
  if (problem !== undefined || first === undefined) {
    ctx.addIssue({ code: 'custom', message: problem ?? 'must be a redis:// or rediss:// URL' });
    return z.NEVER;
  }
  return [first, ...rest];
});

export const nonEmpty = z.string().trim().min(1, 'must not be empty');
/** A comma-separated list, items trimmed, empty ones dropped. */
export const csv = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0));
export const list = csv.refine((v) => v.length > 0, 'must name at least one group');

/** Address ranges HTTP_TRUSTED_PROXIES may name by word, as Express's `trust proxy` reads them. */
const PROXY_RANGE_NAMES: readonly string[] = ['loopback', 'linklocal', 'uniquelocal'];

/** Why one HTTP_TRUSTED_PROXIES entry is not an IP address, a CIDR range or a range name; undefined when it is. */
export function trustedProxyProblem(entry: string): string | undefined {
  if (PROXY_RANGE_NAMES.includes(entry.toLowerCase())) return undefined;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return `'${entry}' is not an IP address, a CIDR range (10.0.0.0/8) or one of ${PROXY_RANGE_NAMES.join(', ')}`;
  const most = family === 4 ? 32 : 128;
  if (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= most)) return `'${entry}' has a prefix length that is not 0 to ${most}`;
  return undefined;
}

/** HTTP_TRUSTED_PROXIES: entries checked one by one, range names read in any case. */
export const trustedProxies = csv
  .superRefine((entries, ctx) => {
    for (const entry of entries) {
      const problem = trustedProxyProblem(entry);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    }
  })
  .transform((entries) => entries.map((e) => (PROXY_RANGE_NAMES.includes(e.toLowerCase()) ? e.toLowerCase() : e)));

/** The range each whole-number setting accepts, for the settings reference (config/reference.ts). */
const INT_RANGES = new WeakMap<z.ZodType, readonly [number, number]>();

export const int = (min: number, max: number) => {
  const schema = z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);
  INT_RANGES.set(schema, [min, max]);
  return schema;
};

/** The lowest and highest value a whole-number setting accepts; undefined for any other setting. */
export function rangeOf(schema: z.ZodType): readonly [number, number] | undefined {
  const inner = schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional ? (schema.def.innerType as z.ZodType) : schema;
  return INT_RANGES.get(inner);
}

/** Why a cron pattern cannot be scheduled (parsed as BullMQ parses it), or undefined. */
function cronProblem(pattern: string): string | undefined {
  if (!/^(\S+\s+){4,5}\S+$/.test(pattern)) return 'must be a cron expression (5 or 6 fields) or off';
  try {
    CronExpressionParser.parse(pattern);
    return undefined;
  } catch (err) {
    return `must be a cron expression (5 or 6 fields) or off: ${err instanceof Error ? err.message : String(err)}`;
  }
}

export const cron = z
  .string()
  .trim()
  .superRefine((v, ctx) => {
    const problem = v === 'off' ? undefined : cronProblem(v);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

/** 0 or a duration such as 30m, 4h or 2d, read as milliseconds. */
export const duration = z
  .string()
  .trim()
  .refine((v) => parseDuration(v) !== undefined, 'must be 0 or a duration such as 30m, 4h or 2d')
  .transform((v) => parseDuration(v) ?? 0);

export const timeZone = z
  .string()
  .trim()
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as UTC or Europe/Paris');

/** The org URL the API is read at, not one of the consoles a browser shows. */
export const oktaOrgUrl = serviceUrl.superRefine((value, ctx) => {
  const meant = oktaConsoleUrl(value);
  if (meant !== undefined) {
    ctx.addIssue({ code: 'custom', message: `is an address of Okta's admin console or end-user dashboard, as a browser shows it, not the org URL the API answers at; set OKTA_ORG_URL=${meant}` });
  }
});
