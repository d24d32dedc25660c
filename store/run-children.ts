import type { Redis } from 'ioredis';
import type { Service } from '../clients/errors';
import type { CreateAction, UpdateAction } from '../sync/types';
import { AUDIT_MAX_LEN, auditKey, encodeAuditEntry, type AuditEntry } from './audit';
import { encodeOwned, ownedKeys, type OwnedEntry } from './owned-values';
import { key } from './redis';
import { withScripts } from './scripts';

export type WriteAction = CreateAction | UpdateAction;

/** The final outcome of one fanned-out write. */
export type ChildOutcome = {
  oktaId: string;
  userName: string;
  action: WriteAction['type'];
  appliedAs?: 'create' | 'update' | 'reactivate';
  error?: string;
  /** The error kind of a failure (clients/errors), when it came from one. */
  kind?: string;
  /** Requests the final attempt sent again (earlier attempts' are in the run's retry counter). */
  retries?: number;
  /** An applied write: the owned paths sent with a value that the WFM's answer lacked (sync/unkept.ts), when any, and its WFM user. */
  dropped?: string[];
  /** A write the WFM answered (applied, or failed for it): the owned paths sent with a new value that the answer held as before (sync/unchangeable.ts), when any. */
  ignored?: string[];
  wfmId?: string;
  /** An applied write that sent nothing (the user was already up to date): no answer to judge by. */
  noAnswer?: true;
};

/** How long a run's write bookkeeping is kept after its last use. */
const KEEP_SECONDS = 7 * 24 * 3600;

/** Why a run's writes stopped, and at which service. */
export type RunStop = Readonly<{ service: Service; reason: string }>;

const readStop = (raw: string | null | undefined): RunStop | undefined => {
  if (typeof raw !== 'string') return undefined;
  try {
    return JSON.parse(raw) as RunStop;
  } catch {
    return { service: 'wfm-scim', reason: raw };
  }
};

/** What goes with a write's outcome: its audit entry, and for an applied write the owned values it wrote. */
export type OutcomeRecords = Readonly<{ audit: AuditEntry; owned?: OwnedEntry }>;

/**
 * The writes a run fanned out and their outcomes, in Redis. A write job's payload holds only the
 * run id and the Okta id; the action it carries out is read from here. Registration and
 * completion are set-if-absent, so a re-planned run or a re-delivered job never counts twice.
 */
export type RunChildren = {
  /**
   * Registers writes; answers the ones that still have no outcome (to enqueue), each with whether
   * this call registered it. A write registered before (a run planned again) may have had a job
   * already, which may record its outcome at any moment; one that has not started reads this
   * plan's write, which replaces the earlier one.
   */
  register(runId: string, actions: readonly WriteAction[]): Promise<{ action: WriteAction; fresh: boolean }[]>;
  action(runId: string, oktaId: string): Promise<WriteAction | undefined>;
  /** A write's action, its outcome if it has one, and why the run stopped if it did, in one round trip. */
  load(runId: string, oktaId: string): Promise<{ action: WriteAction | undefined; outcome: ChildOutcome | undefined; stopped: RunStop | undefined }>;
  /** Stops the run's writes: those not started yet are not attempted. The first reason stays. */
  stop(runId: string, stop: RunStop): Promise<void>;
  stopped(runId: string): Promise<RunStop | undefined>;
  /**
   * The run's stop flag as this process last read it (with a load, a completion or a stop), if
   * that was at most `maxAgeMs` ago; undefined when it must be read again.
   */
  knownStop(runId: string, maxAgeMs: number): { stopped: RunStop | undefined } | undefined;
  /** Counts retries of attempts that ended in a retry of the whole job (their own and the job's). */
  addRetries(runId: string, count: number): Promise<void>;
  /** The retries counted by addRetries (each outcome carries its final attempt's own). */
  retries(runId: string): Promise<number>;
  /**
   * Records the final outcome once, with its audit entry and owned values when given, all or
   * nothing; false (and nothing recorded) when the write had an outcome already. The outcome that
   * leaves no registered write without one also lets the run's planned writes go (as release does).
   */
  complete(runId: string, outcome: ChildOutcome, records?: OutcomeRecords): Promise<boolean>;
  progress(runId: string): Promise<{ total: number; done: number }>;
  /** Up to `limit` registered writes that have no outcome yet. */
  unfinished(runId: string, limit: number): Promise<string[]>;
  outcomes(runId: string): Promise<ChildOutcome[]>;
  /**
   * Drops the run's planned writes once every one has an outcome: they hold profile values (about
   * one JSON document per changed user, for a week), and from then on only the outcomes and the
   * registered ids are read (a job delivered again finds its outcome; a run planned again counts
   * every id it registered, and finds none of them fresh). The last outcome's complete does it
   * already; the run does it again, for writes registered by a version that did not.
   */
  release(runId: string): Promise<void>;
  /** Whether another run has a write for one of these users that has no outcome yet. */
  pendingElsewhere(runId: string, oktaIds: readonly string[]): Promise<boolean>;
};

/** Runs whose stop flag a process remembers: a worker serves a few runs at a time. */
const STOP_MEMORY = 100;

/** The stop flags this process last read, by stop key, with when it read them (oldest first). */
const seenStops = new Map<string, { stopped: RunStop | undefined; at: number }>();

function rememberStop(stopKey: string, raw: string | null | undefined | false): RunStop | undefined {
  const stopped = readStop(typeof raw === 'string' ? raw : undefined);
  seenStops.delete(stopKey);
  seenStops.set(stopKey, { stopped, at: performance.now() });
  if (seenStops.size > STOP_MEMORY) seenStops.delete(seenStops.keys().next().value as string);
  return stopped;
}

export function createRunChildren(redis: Redis, prefix: string): RunChildren {
  const actionsKey = (runId: string) => key(prefix, 'run', runId, 'actions');
  /** The ids of the writes a run registered, kept as long as the outcomes; their actions go once all have one. */
  const idsKey = (runId: string) => key(prefix, 'run', runId, 'ids');
  const outcomesKey = (runId: string) => key(prefix, 'run', runId, 'outcomes');
  const stopKey = (runId: string) => key(prefix, 'run', runId, 'stopped');
  const retriesKey = (runId: string) => key(prefix, 'run', runId, 'retries');
  /** Runs that registered writes; one whose planned writes are gone (all have an outcome) is dropped when next read. */
  const writingKey = key(prefix, 'runs', 'writing');
  return {
    async register(runId, actions) {
      if (actions.length > 0) await redis.multi().sadd(writingKey, runId).expire(writingKey, KEEP_SECONDS).exec();
      const pending: { action: WriteAction; fresh: boolean }[] = [];
      for (let i = 0; i < actions.length; i += 500) {
        const chunk = actions.slice(i, i + 500);
        const multi = redis.multi();
        // The write as this plan has it, over one an earlier planning of the run registered: Okta
        // may have changed since, and a write with no outcome yet must carry the newer values.
        for (const a of chunk) multi.hset(actionsKey(runId), a.oktaId, JSON.stringify(a)).hsetnx(idsKey(runId), a.oktaId, '1');
        multi.hmget(outcomesKey(runId), ...chunk.map((a) => a.oktaId));
        multi.expire(actionsKey(runId), KEEP_SECONDS).expire(idsKey(runId), KEEP_SECONDS);
        const results = (await multi.exec()) ?? [];
        const done = (results[2 * chunk.length]?.[1] ?? []) as (string | null)[];
        chunk.forEach((a, j) => {
          // New only if neither its id nor its write was registered before (a write released, or one
          // registered by a version that kept no ids, is not).
          const fresh = results[2 * j]?.[1] === 1 && results[2 * j + 1]?.[1] === 1;
          if (done[j] === null || done[j] === undefined) pending.push({ action: a, fresh });
        });
      }
      return pending;
    },
    async action(runId, oktaId) {
      const raw = await redis.hget(actionsKey(runId), oktaId);
      return raw === null ? undefined : (JSON.parse(raw) as WriteAction);
    },
    async load(runId, oktaId) {
      // A missing field or key arrives as false (HGET's nil in Lua), and reads as no value.
      const raw = await withScripts(redis).oktaWfmLoadWrite(actionsKey(runId), outcomesKey(runId), stopKey(runId), oktaId);
      const [action, outcome] = [0, 1].map((i) => (typeof raw[i] === 'string' ? (raw[i] as string) : undefined));
      return {
        action: action === undefined ? undefined : (JSON.parse(action) as WriteAction),
        outcome: outcome === undefined ? undefined : (JSON.parse(outcome) as ChildOutcome),
        stopped: rememberStop(stopKey(runId), raw[2]),
      };
    },
    async stop(runId, stop) {
      // The flag as it stands after: the first reason stays.
      const results = await redis.multi().set(stopKey(runId), JSON.stringify(stop), 'EX', KEEP_SECONDS, 'NX').get(stopKey(runId)).exec();
      rememberStop(stopKey(runId), results?.[1]?.[1] as string | null | undefined);
    },
    async stopped(runId) {
      return rememberStop(stopKey(runId), await redis.get(stopKey(runId)));
    },
    knownStop(runId, maxAgeMs) {
      const seen = seenStops.get(stopKey(runId));
      return seen && performance.now() - seen.at <= maxAgeMs ? { stopped: seen.stopped } : undefined;
    },
    async addRetries(runId, count) {
      if (count > 0) await redis.multi().incrby(retriesKey(runId), count).expire(retriesKey(runId), KEEP_SECONDS).exec();
    },
    async retries(runId) {
      return Number((await redis.get(retriesKey(runId))) ?? 0);
    },
    async complete(runId, outcome, records) {
      const owned = records?.owned ? encodeOwned([records.owned]) : undefined;
      const [layoutId, layout] = owned ? (Object.entries(owned.layouts)[0] ?? ['', '']) : ['', ''];
      const keys = ownedKeys(prefix);
      const [done, stopped] = await withScripts(redis).oktaWfmCompleteWrite(
        outcomesKey(runId),
        keys.layouts,
        keys.values,
        auditKey(prefix),
        stopKey(runId),
        idsKey(runId),
        actionsKey(runId),
        outcome.oktaId,
        JSON.stringify(outcome),
        String(KEEP_SECONDS),
        String(AUDIT_MAX_LEN),
        records ? encodeAuditEntry(records.audit) : '',
        layoutId,
        layout,
        owned?.rows[outcome.oktaId] ?? '',
      );
      rememberStop(stopKey(runId), stopped);
      return done === 1;
    },
    async progress(runId) {
      // Every registered id counts, released or not; a run registered by a version that kept no ids counts its actions.
      const [ids, actions, done] = await Promise.all([redis.hlen(idsKey(runId)), redis.hlen(actionsKey(runId)), redis.hlen(outcomesKey(runId))]);
      return { total: Math.max(ids, actions), done };
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
    async release(runId) {
      await redis.del(actionsKey(runId));
    },
    async pendingElsewhere(runId, oktaIds) {
      if (oktaIds.length === 0) return false;
      const others = (await redis.smembers(writingKey)).filter((r) => r !== runId);
      if (others.length === 0) return false;
      const multi = redis.multi();
      for (const r of others) multi.exists(actionsKey(r)).hmget(actionsKey(r), ...oktaIds).hmget(outcomesKey(r), ...oktaIds);
      const results = (await multi.exec()) ?? [];
      const finished: string[] = [];
      let pending = false;
      others.forEach((r, k) => {
        if (results[3 * k]?.[1] !== 1) {
          finished.push(r);
          return;
        }
        const planned = (results[3 * k + 1]?.[1] ?? []) as (string | null)[];
        const done = (results[3 * k + 2]?.[1] ?? []) as (string | null)[];
        if (planned.some((a, n) => a !== null && (done[n] === null || done[n] === undefined))) pending = true;
      });
      if (finished.length > 0) await redis.srem(writingKey, ...finished);
      return pending;
    },
  };
}
