import type { Redis } from 'ioredis';
import type { CreateAction, UpdateAction } from '../sync/types';
import { key } from './redis';

export type WriteAction = CreateAction | UpdateAction;

/** The final outcome of one fanned-out write. */
export type ChildOutcome = {
  oktaId: string;
  userName: string;
  action: WriteAction['type'];
  appliedAs?: 'create' | 'update' | 'reactivate';
  error?: string;
};

/** How long a run's write bookkeeping is kept after its last use. */
const KEEP_SECONDS = 7 * 24 * 3600;

/**
 * The writes a run fanned out and their outcomes, in Redis. A write job's payload holds only the
 * run id and the Okta id; the action it carries out is read from here. Registration and
 * completion are set-if-absent, so a re-planned run or a re-delivered job never counts twice.
 */
export type RunChildren = {
  /** Registers writes; answers the ones that still have no outcome (to enqueue). */
  register(runId: string, actions: readonly WriteAction[]): Promise<WriteAction[]>;
  action(runId: string, oktaId: string): Promise<WriteAction | undefined>;
  outcome(runId: string, oktaId: string): Promise<ChildOutcome | undefined>;
  /** Records the final outcome once; false when one was already recorded. */
  complete(runId: string, outcome: ChildOutcome): Promise<boolean>;
  progress(runId: string): Promise<{ total: number; done: number }>;
  /** Up to `limit` registered writes that have no outcome yet. */
  unfinished(runId: string, limit: number): Promise<string[]>;
  outcomes(runId: string): Promise<ChildOutcome[]>;
};

export function createRunChildren(redis: Redis, prefix: string): RunChildren {
  const actionsKey = (runId: string) => key(prefix, 'run', runId, 'actions');
  const outcomesKey = (runId: string) => key(prefix, 'run', runId, 'outcomes');
  return {
    async register(runId, actions) {
      const pending: WriteAction[] = [];
      for (let i = 0; i < actions.length; i += 500) {
        const chunk = actions.slice(i, i + 500);
        const multi = redis.multi();
        for (const a of chunk) multi.hsetnx(actionsKey(runId), a.oktaId, JSON.stringify(a));
        multi.hmget(outcomesKey(runId), ...chunk.map((a) => a.oktaId));
        multi.expire(actionsKey(runId), KEEP_SECONDS);
        const results = (await multi.exec()) ?? [];
        const done = (results[chunk.length]?.[1] ?? []) as (string | null)[];
        chunk.forEach((a, j) => {
          if (done[j] === null || done[j] === undefined) pending.push(a);
        });
      }
      return pending;
    },
    async action(runId, oktaId) {
      const raw = await redis.hget(actionsKey(runId), oktaId);
      return raw === null ? undefined : (JSON.parse(raw) as WriteAction);
    },
    async outcome(runId, oktaId) {
      const raw = await redis.hget(outcomesKey(runId), oktaId);
      return raw === null ? undefined : (JSON.parse(raw) as ChildOutcome);
    },
    async complete(runId, outcome) {
      const results = await redis
        .multi()
        .hsetnx(outcomesKey(runId), outcome.oktaId, JSON.stringify(outcome))
        .expire(outcomesKey(runId), KEEP_SECONDS)
        .exec();
      return results?.[0]?.[1] === 1;
    },
    async progress(runId) {
      const [total, done] = await Promise.all([redis.hlen(actionsKey(runId)), redis.hlen(outcomesKey(runId))]);
      return { total, done };
    },
    async unfinished(runId, limit) {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, fields] = await redis.hscan(actionsKey(runId), cursor, 'COUNT', 500);
        cursor = next;
        const ids = fields.filter((_, i) => i % 2 === 0);
        if (ids.length === 0) continue;
        const done = await redis.hmget(outcomesKey(runId), ...ids);
        ids.forEach((id, i) => {
          if (done[i] === null && found.length < limit) found.push(id);
        });
      } while (cursor !== '0' && found.length < limit);
      return found;
    },
    async outcomes(runId) {
      return (await redis.hvals(outcomesKey(runId))).map((raw) => JSON.parse(raw) as ChildOutcome);
    },
  };
}
