import type { Redis } from 'ioredis';
import type { RunReport } from '../sync/report';
import { key } from './redis';

export const KEPT_RUNS = 100;
/** Per-user entries (failures, conflicts) a stored report keeps; the count of all is kept beside them. */
export const KEPT_ENTRIES = 1000;

/**
 * The report as stored: a run that failed for every user of a large tenant (a WFM refusing a new
 * attribute) would otherwise store an entry per user in each of the last 100 reports, and list
 * them all in every `/api/runs` answer. The first entries are kept with the totals; the logs and
 * the audit hold each user's outcome.
 */
export function boundedReport(report: RunReport): RunReport {
  if (report.failed.length <= KEPT_ENTRIES && report.conflicts.length <= KEPT_ENTRIES) return report;
  return {
    ...report,
    failed: report.failed.slice(0, KEPT_ENTRIES),
    conflicts: report.conflicts.slice(0, KEPT_ENTRIES),
    ...(report.failed.length > KEPT_ENTRIES ? { failedTotal: report.failed.length } : {}),
    ...(report.conflicts.length > KEPT_ENTRIES ? { conflictsTotal: report.conflicts.length } : {}),
  };
}

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
      await redis.multi().lpush(listKey, JSON.stringify(boundedReport(report))).ltrim(listKey, 0, KEPT_RUNS - 1).exec();
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
