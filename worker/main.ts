import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'winston';
import { createOktaSource } from '../clients/okta';
import { createScimClient } from '../clients/scim';
import { createWfmApi } from '../clients/wfm-api';
import type { AppConfig } from '../config/load-config';
import type { JobDeps } from '../jobs/deps';
import { inProcessWriter } from '../jobs/writer';
import { createAuditLog } from '../store/audit';
import { createRedis } from '../store/redis';
import { createRunHistory } from '../store/run-history';

export type App = { deps: JobDeps; redis: Redis; close(): Promise<void> };

export function newRunId(kind: string, now: number = Date.now()): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${kind}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The composition root: builds every client and store once from the configuration. */
export function buildApp(config: AppConfig, logger: Logger): App {
  const redis = createRedis(config.redis.url);
  redis.on('error', (err: Error) => logger.debug('redis error', { error: err.message }));
  const okta = createOktaSource(config.okta);
  const scim = createScimClient({
    scimUrl: config.wfm.scimUrl,
    token: config.wfm.scimToken,
    pageSize: config.wfm.pageSize,
    requestTimeoutMs: config.wfm.requestTimeoutMs,
    maxRetries: config.wfm.maxRetries,
  });
  const wfmApi = createWfmApi({
    apiUrl: config.wfm.apiUrl,
    accessKeyId: config.wfm.accessKeyId,
    accessKeySecret: config.wfm.accessKeySecret,
    requestTimeoutMs: config.wfm.requestTimeoutMs,
    maxRetries: config.wfm.maxRetries,
  });
  const deps: JobDeps = {
    config,
    okta,
    scim,
    wfmApi,
    history: createRunHistory(redis, config.redis.prefix),
    audit: createAuditLog(redis, config.redis.prefix),
    logger,
    writer: inProcessWriter,
    redis,
    requestOffboard: async (reason, oktaIds) => {
      logger.info('off-boarding requested', { reason, users: oktaIds.length });
    },
    now: () => Date.now(),
    newRunId: (kind) => newRunId(kind),
  };
  return {
    deps,
    redis,
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
