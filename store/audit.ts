import type { Redis } from 'ioredis';
import type { Change, ChangeSide } from '../sync/types';
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
  /** Which side moved the user: Okta, or the WFM (an edit there the sync put back), both, or unknown. */
  side?: ChangeSide;
  changes: readonly Change[];
  note?: string;
  error?: string;
  /** Why the action was taken (deactivate and reactivate always carry one). */
  reason?: string;
};

export type AuditLog = {
  append(entry: AuditEntry): Promise<void>;
  /**
   * Newest first. With `userName`, the whole stream is searched (login ignoring case, or an Okta or
   * WFM id) until `count` match. With `sinceMs` (epoch ms), only entries appended since then.
   */
  read(opts?: { count?: number; userName?: string; sinceMs?: number }): Promise<AuditEntry[]>;
};

/** An attribute whose values never go to the audit (a custom extension may hold a PIN or a token). */
export const isSecretPath = (path: string): boolean => /(password|secret|token|pin)$/i.test(path.split('.').pop() ?? '');

const HIDDEN = '(hidden)';
const redacted = (changes: readonly Change[]): Change[] =>
  changes.map((c) => (isSecretPath(c.path) ? { ...c, from: c.from === undefined ? undefined : HIDDEN, to: c.to === undefined ? undefined : HIDDEN } : c));

export const auditKey = (prefix: string): string => key(prefix, 'audit');

/** The stream field's value for an entry, secret attributes hidden. */
export const encodeAuditEntry = (entry: AuditEntry): string => JSON.stringify({ ...entry, changes: redacted(entry.changes) });

export function createAuditLog(redis: Redis, prefix: string): AuditLog {
  const streamKey = auditKey(prefix);
  return {
    async append(entry) {
      await redis.xadd(streamKey, 'MAXLEN', '~', String(AUDIT_MAX_LEN), '*', 'entry', encodeAuditEntry(entry));
    },
    async read(opts = {}) {
      const want = opts.count ?? 1000;
      const who = opts.userName?.toLowerCase();
      const matches = (e: AuditEntry): boolean => who === undefined || e.userName.toLowerCase() === who || e.oktaId === opts.userName || e.wfmId === opts.userName;
      const entries: AuditEntry[] = [];
      // Read back in pages so a user filter finds old entries too, not only those in the newest page.
      // Stream ids start with the time they were added, so `sinceMs` bounds the read in Redis.
      let end = '+';
      const start = opts.sinceMs === undefined ? '-' : String(Math.max(0, Math.floor(opts.sinceMs)));
      for (;;) {
        const rows = await redis.xrevrange(streamKey, end, start, 'COUNT', who === undefined ? want : 1000);
        for (const [, fields] of rows) {
          const raw = fields[fields.indexOf('entry') + 1];
          if (raw === undefined) continue;
          const e = JSON.parse(raw) as AuditEntry;
          if (matches(e)) entries.push(e);
          if (entries.length >= want) return entries;
        }
        const last = rows[rows.length - 1];
        if (who === undefined || last === undefined) return entries;
        end = `(${last[0]}`;
      }
    },
  };
}
