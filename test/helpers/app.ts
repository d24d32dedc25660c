import { Redis } from 'ioredis';
import winston from 'winston';
import { createOktaSource, type OktaSourceConfig } from '../../clients/okta';
import { loadConfig } from '../../config/load-config';
import type { JobDeps } from '../../jobs/deps';
import { createGroupIdCache } from '../../store/group-ids';
import { buildApp } from '../../worker/main';
import { REDIS_URL, startHarness, type Harness } from './harness';

export type TestApp = {
  deps: JobDeps;
  /** Every requestOffboard call: [reason, oktaIds]. */
  offboards: [string, string[]][];
  close(): Promise<void>;
};

/**
 * The app as the worker builds it (worker/main.ts) against a harness, with requestOffboard
 * recorded, and fast Okta retries. A new TestApp on the same harness is a restarted process: it
 * shares only Redis (the same key prefix).
 */
export function startTestApp(h: Harness, opts: { env?: Record<string, string>; okta?: Partial<OktaSourceConfig>; deps?: Partial<JobDeps> } = {}): TestApp {
  const config = loadConfig({ ...h.env, ...opts.env });
  const logger = winston.createLogger({ silent: true });
  const app = buildApp(config, logger);
  const offboards: [string, string[]][] = [];
  const deps: JobDeps = {
    ...app.deps,
    // Wired as buildApp wires it (group ids kept in Redis), with faster retries.
    okta: createOktaSource({
      ...config.okta,
      groupIdCache: createGroupIdCache(app.redis, config.redis.prefix),
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      ...opts.okta,
    }),
    requestOffboard: async (reason, oktaIds) => {
      offboards.push([reason, [...oktaIds]]);
    },
    ...opts.deps,
  };
  return {
    deps,
    offboards,
    async close() {
      await app.close();
      logger.close();
    },
  };
}

/** The raw cursor of the incremental sync under the harness's prefix. */
export async function rawCursor(h: Harness): Promise<string | null> {
  const redis = new Redis(REDIS_URL);
  try {
    return await redis.get(`${h.prefix}:incremental:cursor`);
  } finally {
    await redis.quit();
  }
}

/**
 * The set-up of a suite that runs jobs in-process: a harness of `users` and the app on it, both
 * closed after the suite. `started` receives them once they are up.
 */
export function appSuite(opts: Parameters<typeof startHarness>[0], started: (s: { h: Harness; app: TestApp }) => void): void {
  let h: Harness | undefined;
  let app: TestApp | undefined;
  beforeAll(async () => {
    h = await startHarness(opts);
    app = startTestApp(h);
    started({ h, app });
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });
}
