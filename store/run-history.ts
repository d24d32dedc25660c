import type { Redis } from 'ioredis';
import type { RunReport } from '../sync/report';
import { key } from './redis';

export const KEPT_RUNS = 100;
/** Per-user entries (failures, conflicts, deactivations) a stored report keeps; the count of all is kept beside them. */
export const KEPT_ENTRIES = 1000;

/**
 * The report as stored: a run that failed for every user of a large tenant (a WFM refusing a new
 * attribute) would otherwise store an entry per user in each of the last 100 reports, and list
 * them all in every `/api/runs` answer. The first entries are kept with the totals; the logs and
 * the audit hold each user's outcome.
 */
export function boundedReport(report: RunReport): RunReport {
  const over = (list: readonly unknown[] | undefined): boolean => (list?.length ?? 0) > KEPT_ENTRIES;
  if (!over(report.failed) && !over(report.conflicts) && !over(report.deactivations) && !over(report.heldByGuard)) return report;
  return {
    ...report,
    failed: report.failed.slice(0, KEPT_ENTRIES),
    conflicts: report.conflicts.slice(0, KEPT_ENTRIES),
    ...(over(report.failed) ? { failedTotal: report.failed.length } : {}),
    ...(over(report.conflicts) ? { conflictsTotal: report.conflicts.length } : {}),
    ...(report.deactivations ? { deactivations: report.deactivations.slice(0, KEPT_ENTRIES) } : {}),
    ...(over(report.deactivations) ? { deactivationsTotal: report.deactivations?.length } : {}),
    ...(report.heldByGuard ? { heldByGuard: report.heldByGuard.slice(0, KEPT_ENTRIES) } : {}),
    ...(over(report.heldByGuard) ? { heldByGuardTotal: report.heldByGuard?.length } : {}),
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
