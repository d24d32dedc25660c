import type { Redis } from 'ioredis';
import { key } from './redis';

/** The counts of one complete Okta pull of the in-scope users. */
export type PullStats = Readonly<{
  inScope: number;
  appUsers: number;
  at: string;
  /** The kind of run that pulled. */
  source: string;
}>;

/**
 * The counts of the last complete Okta pull, so off-boarding can tell a pull whose in-scope count
 * fell implausibly (a lost group assignment, a bad filter) from people leaving.
 */
export type PullStatsStore = {
  record(stats: PullStats): Promise<void>;
  last(): Promise<PullStats | undefined>;
};

export function createPullStats(redis: Redis, prefix: string): PullStatsStore {
  const statsKey = key(prefix, 'okta', 'pull-stats');
  return {
    async record(stats) {
      await redis.set(statsKey, JSON.stringify(stats));
    },
    async last() {
      const raw = await redis.get(statsKey);
      if (raw === null) return undefined;
      try {
        const parsed = JSON.parse(raw) as Partial<PullStats>;
        return typeof parsed.inScope === 'number' ? (parsed as PullStats) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
