import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'winston';
import { createGate } from '../clients/gate';
import { createOktaSource } from '../clients/okta';
import type { MovedLink } from '../clients/okta-sdk';
import { createScimClient, type ScimClient } from '../clients/scim';
import { createWfmApi, type WfmApi } from '../clients/wfm-api';
import { leaversStay } from '../config/offboarding';
import type { AppConfig } from '../config/app-config';
import type { JobDeps } from '../jobs/deps';
import { createPlannedWrites } from '../jobs/planned-writes';
import { inProcessWriter } from '../jobs/writer';
import { scimNames } from '../mappers/scim-canonical';
import { createAuditLog } from '../store/audit';
import { createGroupIdCache } from '../store/group-ids';
import { createRedis } from '../store/redis';
import { createRunHistory, type RunHistory } from '../store/run-history';
import type { Metrics } from './metrics';

export type App = { deps: JobDeps; redis: Redis; close(): Promise<void> };

/** What the worker replaces in the in-process defaults. */
export type AppOptions = {
  metrics?: Metrics;
  writer?: JobDeps['writer'];
  requestOffboard?: JobDeps['requestOffboard'];
  /** The long-lived worker: Redis commands wait out a Redis restart instead of failing. */
  waitForRedis?: boolean;
};

export function newRunId(kind: string, now: number = Date.now()): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${kind}-${stamp}-${randomBytes(3).toString('hex')}`;
}

function observedHistory(history: RunHistory, metrics: Metrics | undefined): RunHistory {
  if (!metrics) return history;
  return {
    ...history,
    async save(report) {
      await history.save(report);
      metrics.runFinished(report);
    },
  };
}

/**
 * The two WFM clients of a process: SCIM, and the user-management API when it is configured
 * (WFM_API_URL), sharing one gate so that WFM_CONCURRENCY bounds this process's requests in flight
 * to the WFM, both APIs together.
 */
export function createWfmClients(config: AppConfig, metrics?: Metrics): { scim: ScimClient; wfmApi: WfmApi | undefined } {
  const wfmCommon = { requestTimeoutMs: config.wfm.requestTimeoutMs, maxRetries: config.wfm.maxRetries, gate: createGate(config.wfm.concurrency) };
  const scim = createScimClient({
    ...wfmCommon,
    scimUrl: config.wfm.scimUrl,
    token: config.wfm.scimToken,
    pageSize: config.wfm.pageSize,
    names: scimNames(config.mapping),
    ...(metrics ? { onResponse: (s: number) => metrics.wfmResponse('scim', s) } : {}),
  });
  const { api } = config.wfm;
  const wfmApi = api
    ? createWfmApi({
        ...wfmCommon,
        apiUrl: api.url,
        accessKeyId: api.accessKeyId,
        accessKeySecret: api.accessKeySecret,
        ...(metrics ? { onResponse: (s: number) => metrics.wfmResponse('user-management', s) } : {}),
      })
    : undefined;
  return { scim, wfmApi };
}

/** The composition root: builds every client and store once from the configuration. */
export function buildApp(config: AppConfig, logger: Logger, opts: AppOptions = {}): App {
  const redis = createRedis(config.redis, { waitForReconnect: opts.waitForRedis ?? false });
  redis.on('error', (err: Error) => logger.debug('redis error', { error: err.message }));
  try {
    return buildOn(redis, config, logger, opts);
  } catch (err) {
    // A client that cannot be built: the Redis connection must not keep the process alive.
    redis.disconnect();
    throw err;
  }
}

/**
 * Warns once per origin (in this process) that Okta answered next links on another origin than
 * OKTA_ORG_URL, which the listings follow on OKTA_ORG_URL: usually OKTA_ORG_URL names the org
 * otherwise than Okta does (a custom domain, a proxy, another host name for the same server).
 */
function warnOncePerOrigin(logger: Logger): (link: MovedLink) => void {
  const told = new Set<string>();
  return (link) => {
    if (told.has(link.from)) return;
    told.add(link.from);
    logger.warn("Okta's next links name another origin than OKTA_ORG_URL: followed on OKTA_ORG_URL (the credentials go nowhere else); set OKTA_ORG_URL to the org's own URL to silence this", link);
  };
}

function buildOn(redis: Redis, config: AppConfig, logger: Logger, opts: AppOptions): App {
  const { metrics } = opts;
  const okta = createOktaSource({
    ...config.okta,
    groupIdCache: createGroupIdCache(redis, config.redis.prefix),
    onLinkMoved: warnOncePerOrigin(logger),
    onHold: (hold) => logger.warn("Okta's rate limit: calls wait for the window to reset", hold),
    onReading: (reading) => logger.info(`Okta ${reading.what}: still reading, ${reading.items} read in ${reading.seconds} s`, reading),
    ...(metrics ? { onResponse: (s, r) => metrics.oktaResponse(s, r) } : {}),
  });
  const { scim, wfmApi } = createWfmClients(config, metrics);
  const deps: JobDeps = {
    config,
    okta,
    scim,
    ...(wfmApi ? { wfmApi } : {}),
    history: observedHistory(createRunHistory(redis, config.redis.prefix), metrics),
    audit: createAuditLog(redis, config.redis.prefix),
    logger,
    writer: opts.writer ?? inProcessWriter,
    plannedWrites: createPlannedWrites(),
    redis,
    requestOffboard:
      opts.requestOffboard ??
      (async (reason, oktaIds) => {
        const stay = leaversStay(config.wfm);
        if (stay === undefined) logger.info('off-boarding requested', { reason, users: oktaIds.length });
        else logger.warn(stay, { reason, users: oktaIds.length });
      }),
    now: () => Date.now(),
    newRunId: (kind) => newRunId(kind),
  };
  return {
    deps,
    redis,
    async close() {
      // A worker's commands wait for Redis: quit() would wait for one that is down, so drop the connection then.
      if (redis.status !== 'ready') redis.disconnect();
      else await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * SIGTERM/SIGINT: stop taking jobs, let running ones finish (bounded by SHUTDOWN_TIMEOUT_MS),
 * close Redis, exit 0. A second signal exits at once.
 */
export function installShutdown(close: () => Promise<void>, logger: Logger): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        logger.warn('second signal: exiting now', { signal });
        process.exit(130);
      }
      stopping = true;
      logger.info('stopping: no new jobs, letting running ones finish', { signal });
      close().then(
        () => resolve(0),
        (err: unknown) => {
          logger.error('shutdown failed', { error: err instanceof Error ? err.message : String(err) });
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
