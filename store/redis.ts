import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { defineScripts } from './scripts';

/** Where Redis is: one server, or any node of a Redis Cluster (REDIS_CLUSTER). */
export type RedisTarget = Readonly<{ url: string; cluster?: boolean }>;

/**
 * A client for the target with these options. For a Redis Cluster, an ioredis Cluster seeded with
 * the URL's node (user, password and TLS from the URL) that follows the cluster to the node holding
 * each key. It is typed as a one-server client: every command we and BullMQ send is one a Cluster
 * runs the same way when all its keys share a slot (the prefix's hash tag sees to that).
 */
export function connectRedis(target: RedisTarget | string, options: RedisOptions = {}): Redis {
  const { url, cluster } = typeof target === 'string' ? { url: target, cluster: false } : target;
  if (!cluster) return new Redis(url, options);
  const node = new URL(url);
  const { lazyConnect, enableOfflineQueue, enableReadyCheck, enableAutoPipelining, ...perNode } = options;
  const redisOptions: RedisOptions = {
    ...perNode,
    ...(node.username ? { username: decodeURIComponent(node.username) } : {}),
    ...(node.password ? { password: decodeURIComponent(node.password) } : {}),
    ...(node.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  const seed = { host: node.hostname.replace(/^\[|\]$/g, ''), port: Number(node.port || 6379) };
  return new Cluster([seed], {
    redisOptions,
    ...(lazyConnect !== undefined ? { lazyConnect } : {}),
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    ...(enableReadyCheck !== undefined ? { enableReadyCheck } : {}),
    ...(enableAutoPipelining !== undefined ? { enableAutoPipelining } : {}),
  }) as unknown as Redis;
}

/**
 * One Redis connection for our own state (queues make their own). A command fails fast when Redis
 * is down, unless `waitForReconnect`: the worker's commands then wait for Redis to come back, as
 * BullMQ's do, so a Redis restart mid-run pauses the run instead of failing it.
 */
export function createRedis(target: RedisTarget | string, opts: { lazyConnect?: boolean; waitForReconnect?: boolean } = {}): Redis {
  const redis = connectRedis(target, {
    lazyConnect: opts.lazyConnect ?? false,
    maxRetriesPerRequest: opts.waitForReconnect ? null : 2,
    enableOfflineQueue: true,
    connectTimeout: 5000,
    // Commands issued in one tick (concurrent write jobs) go out in one socket write.
    enableAutoPipelining: true,
  });
  defineScripts(redis);
  return redis;
}

/** Whether Redis answers PING within the time given; never throws. */
export async function redisAnswers(url: string, timeoutMs = 2000): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export const key = (prefix: string, ...parts: string[]): string => [prefix, ...parts].join(':');

/** Deletes every key matching a SCAN pattern (a thousand at a time); answers how many went. */
export async function deleteKeys(url: string, match: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  let deleted = 0;
  try {
    for await (const keys of redis.scanStream({ match, count: 1000 })) {
      const batch = keys as string[];
      if (batch.length > 0) deleted += await redis.del(...batch);
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}
