import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config';
import { connectRedis, type RedisTarget } from '../store/redis';

export const QUEUE_NAMES = { sync: 'sync', writes: 'wfm-writes', offboarding: 'offboarding' } as const;
export type QueueKey = keyof typeof QUEUE_NAMES;

export type Queues = Readonly<Record<QueueKey, Queue>> & {
  all: readonly Queue[];
  /** Whether their Redis connection is up now (its commands would otherwise wait for it). */
  connected(): boolean;
  close(): Promise<void>;
};

/** A connection as BullMQ needs it: commands wait for a reconnect instead of failing. */
export function bullConnection(target: RedisTarget | string): Redis {
  return connectRedis(target, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

export function createQueues(config: AppConfig): Queues {
  const connection = bullConnection(config.redis);
  const make = (name: string) => new Queue(name, { connection, prefix: config.redis.prefix });
  const sync = make(QUEUE_NAMES.sync);
  const writes = make(QUEUE_NAMES.writes);
  const offboarding = make(QUEUE_NAMES.offboarding);
  const all = [sync, writes, offboarding];
  return {
    sync,
    writes,
    offboarding,
    all,
    connected: () => connection.status === 'ready',
    async close() {
      await Promise.all(all.map((q) => q.close()));
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
