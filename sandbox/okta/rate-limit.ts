export const LIMITED_BUCKETS = ['users', 'groups', 'apps', 'logs', 'oauth', 'other'] as const;
export type LimitedBucket = (typeof LIMITED_BUCKETS)[number];
/** 'sandbox' is the admin routes: they carry the headers but are never limited. */
export type Bucket = LimitedBucket | 'sandbox';

/** Per-minute limits of a Workforce org (users list 600, groups 500, apps 100, logs 120). */
export const DEFAULT_RATE_LIMITS: Record<LimitedBucket, number> = {
  users: 600,
  groups: 500,
  apps: 100,
  logs: 120,
  oauth: 600,
  other: 1200,
};

export type RateLimitConfig = { limits: Record<LimitedBucket, number>; windowMs: number };

export function bucketOf(path: string): Bucket {
  if (path.startsWith('/_sandbox')) return 'sandbox';
  if (path.startsWith('/oauth2/')) return 'oauth';
  if (/^\/api\/v1\/users(\/|$)/.test(path)) return 'users';
  if (/^\/api\/v1\/groups(\/|$)/.test(path)) return 'groups';
  if (/^\/api\/v1\/apps(\/|$)/.test(path)) return 'apps';
  if (/^\/api\/v1\/logs(\/|$)/.test(path)) return 'logs';
  return 'other';
}

export type RateLimitStatus = { limit: number; remaining: number; resetSeconds: number; allowed: boolean };

export type RateLimiter = {
  readonly config: RateLimitConfig;
  /** Counts one request against the bucket. */
  take(bucket: Bucket): RateLimitStatus;
  /** The bucket as it stands, without counting. */
  peek(bucket: Bucket): RateLimitStatus;
  configure(patch: { limits?: Partial<Record<LimitedBucket, number>>; windowMs?: number }): void;
  /** Starts every window afresh. */
  reset(): void;
};

type Window = { start: number; used: number };

export function createRateLimiter(config: RateLimitConfig, now: () => number): RateLimiter {
  const windows = new Map<LimitedBucket, Window>();
  const windowFor = (bucket: LimitedBucket): Window => {
    const t = now();
    const w = windows.get(bucket);
    if (w && t < w.start + config.windowMs) return w;
    const fresh = { start: t, used: 0 };
    windows.set(bucket, fresh);
    return fresh;
  };
  const status = (bucket: Bucket, count: boolean): RateLimitStatus => {
    if (bucket === 'sandbox') {
      return { limit: 10000, remaining: 10000, resetSeconds: Math.ceil((now() + config.windowMs) / 1000), allowed: true };
    }
    const w = windowFor(bucket);
    const limit = config.limits[bucket];
    if (count) w.used++;
    return {
      limit,
      remaining: Math.max(0, limit - w.used),
      resetSeconds: Math.ceil((w.start + config.windowMs) / 1000),
      allowed: w.used <= limit,
    };
  };
  return {
    config,
    take: (bucket) => status(bucket, true),
    peek: (bucket) => status(bucket, false),
    configure(patch) {
      Object.assign(config.limits, patch.limits ?? {});
      if (patch.windowMs !== undefined) config.windowMs = patch.windowMs;
      windows.clear();
    },
    reset: () => windows.clear(),
  };
}
