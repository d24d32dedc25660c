// The Lua scripts of the write bookkeeping (store/run-children.ts), defined once per Redis client.
import type { Redis } from 'ioredis';

/**
 * Records an outcome once, and only then its audit entry and owned values, in one atomic step
 * and one round trip; answers whether it recorded, and the run's stop flag (so the worker learns
 * of a stop with each write it finishes). The outcome that completes the run's registered writes
 * also drops the run's planned writes (profile values), whether or not the run is still there to
 * do it. KEYS: outcomes, owned layouts, owned values, audit stream, stop flag, registered ids,
 * planned writes. ARGV: Okta id, outcome, seconds to keep, audit length, audit entry ('' for
 * none), then layout id, layout and values row ('' when no values).
 */
const COMPLETE_SCRIPT = `
local stopped = redis.call('GET', KEYS[5])
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return { 0, stopped } end
redis.call('EXPIRE', KEYS[1], ARGV[3])
if ARGV[6] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[6], ARGV[7])
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[8])
end
if ARGV[5] ~= '' then redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], '*', 'entry', ARGV[5]) end
local registered = redis.call('HLEN', KEYS[6])
if registered > 0 and redis.call('HLEN', KEYS[1]) >= registered then redis.call('DEL', KEYS[7]) end
return { 1, stopped }
`;

/** A write's action, its outcome and the run's stop flag, in one command. KEYS: actions, outcomes, stop. ARGV: Okta id. */
const LOAD_SCRIPT = `
return { redis.call('HGET', KEYS[1], ARGV[1]), redis.call('HGET', KEYS[2], ARGV[1]), redis.call('GET', KEYS[3]) }
`;

export type WithScripts = Redis & {
  oktaWfmCompleteWrite(...args: string[]): Promise<[number, string | null | false]>;
  oktaWfmLoadWrite(...args: string[]): Promise<(string | null | false)[]>;
};

/**
 * Defines the scripts on a client. createRedis does it before the client's first command: with
 * auto-pipelining, a pipeline already open when a command is defined would not have it.
 */
export function defineScripts(redis: Redis): void {
  redis.defineCommand('oktaWfmCompleteWrite', { numberOfKeys: 7, lua: COMPLETE_SCRIPT });
  redis.defineCommand('oktaWfmLoadWrite', { numberOfKeys: 3, lua: LOAD_SCRIPT });
}

/** The client with the scripts (defined here for a client that createRedis did not make). */
export function withScripts(redis: Redis): WithScripts {
  const r = redis as WithScripts;
  // Sent once by EVALSHA (ioredis loads a script on the first NOSCRIPT); every key shares the
  // prefix, so a prefix with a hash tag keeps them in one Redis Cluster slot.
  if (typeof r.oktaWfmCompleteWrite !== 'function') defineScripts(redis);
  return r;
}
