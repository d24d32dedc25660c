import type { Redis } from 'ioredis';
import type { Change } from '../sync/types';
import { key } from './redis';

/** The audit stream keeps about this many entries (Redis trims it approximately). */
export const AUDIT_MAX_LEN = 100_000;

export type AuditEntry = {
  at: string;
  runId: string;
  action: string;
  oktaId: string;
  userName: string;
  wfmId: string;
  outcome: 'applied' | 'failed';
  changes: readonly Change[];
  note?: string;
  error?: string;
};

export type AuditLog = {
  append(entry: AuditEntry): Promise<void>;
  read(opts?: { count?: number; userName?: string }): Promise<AuditEntry[]>;
};

export function createAuditLog(redis: Redis, prefix: string): AuditLog {
  const streamKey = key(prefix, 'audit');
  return {
    async append(entry) {
      await redis.xadd(streamKey, 'MAXLEN', '~', String(AUDIT_MAX_LEN), '*', 'entry', JSON.stringify(entry));
    },
    async read(opts = {}) {
      const rows = await redis.xrevrange(streamKey, '+', '-', 'COUNT', opts.count ?? 1000);
      const entries: AuditEntry[] = [];
      for (const [, fields] of rows) {
        const raw = fields[fields.indexOf('entry') + 1];
        if (raw === undefined) continue;
        const e = JSON.parse(raw) as AuditEntry;
        if (opts.userName === undefined || e.userName.toLowerCase() === opts.userName.toLowerCase()) entries.push(e);
      }
      return entries;
    },
  };
}
