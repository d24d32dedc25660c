import type { Redis } from 'ioredis';
import type { RunReport } from '../sync/report';
import { key } from './redis';

export const KEPT_RUNS = 100;

/** Run reports, newest first, the last 100 kept. */
export type RunHistory = {
  save(report: RunReport): Promise<void>;
  list(limit?: number): Promise<RunReport[]>;
  get(runId: string): Promise<RunReport | undefined>;
};

export function createRunHistory(redis: Redis, prefix: string): RunHistory {
  const listKey = key(prefix, 'runs');
  const parse = (raw: string): RunReport | undefined => {
    try {
      return JSON.parse(raw) as RunReport;
    } catch {
      return undefined;
    }
  };
  return {
    async save(report) {
      await redis.multi().lpush(listKey, JSON.stringify(report)).ltrim(listKey, 0, KEPT_RUNS - 1).exec();
    },
    async list(limit = KEPT_RUNS) {
      const raw = await redis.lrange(listKey, 0, Math.max(0, limit - 1));
      return raw.map(parse).filter((r): r is RunReport => r !== undefined);
    },
    async get(runId) {
      const raw = await redis.lrange(listKey, 0, KEPT_RUNS - 1);
      return raw.map(parse).find((r) => r?.runId === runId);
    },
  };
}
