import { Cluster, Redis, type ClusterNode, type ClusterOptions, type RedisOptions } from 'ioredis';
import { defineScripts } from './scripts';

/**
 * Where Redis is: one server at `url`, or a Redis Cluster (`cluster`) reached through any of its
 * `seeds` (`url` alone when there are none).
 */
export type RedisTarget = Readonly<{ url: string; seeds?: readonly string[]; cluster?: boolean }>;

const keepHostName: NonNullable<ClusterOptions['dnsLookup']> = (address, callback) => callback(null, address);

/**
 * An ioredis Cluster's start-up nodes and options for these seed URLs, which share one scheme and
 * one user and password (the configuration checks it): those of the first apply to every node.
 */
export function clusterSetup(seeds: readonly string[], options: RedisOptions = {}): { nodes: ClusterNode[]; options: ClusterOptions } {
  const urls = seeds.map((s) => new URL(s));
  const first = urls[0];
  if (first === undefined) throw new Error('a Redis Cluster needs at least one seed URL');
  const tls = first.protocol === 'rediss:';
  const { lazyConnect, enableOfflineQueue, enableReadyCheck, enableAutoPipelining, ...perNode } = options;
  const redisOptions: RedisOptions = {
    ...perNode,
    ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
    ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
    ...(tls ? { tls: {} } : {}),
  };
  return {
    nodes: urls.map((u) => ({ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 6379) })),
    options: {
      redisOptions,
      // ioredis resolves a seed's host name to an address by default; over TLS the certificate is
      // then checked against the address and fails. Managed clusters (such as AWS ElastiCache)
      // need the host name kept, as ioredis's README advises.
      ...(tls ? { dnsLookup: keepHostName } : {}),
      ...(lazyConnect !== undefined ? { lazyConnect } : {}),
      ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
      ...(enableReadyCheck !== undefined ? { enableReadyCheck } : {}),
      ...(enableAutoPipelining !== undefined ? { enableAutoPipelining } : {}),
    },
  };
}

/**
 * A client for the target with these options. For a Redis Cluster, an ioredis Cluster seeded with
 * every seed node (user, password and TLS from the URLs) that follows the cluster to the node
 * holding each key. It is typed as a one-server client: every command we and BullMQ send is one a
 * Cluster runs the same way when all its keys share a slot (the prefix's hash tag sees to that).
 */
export function connectRedis(target: RedisTarget | string, options: RedisOptions = {}): Redis {
  const { url, seeds, cluster } = typeof target === 'string' ? { url: target, seeds: undefined, cluster: false } : target;
  if (!cluster) return new Redis(url, options);
  const setup = clusterSetup(seeds && seeds.length > 0 ? seeds : [url], options);
  return new Cluster(setup.nodes, setup.options) as unknown as Redis;
}

/**
 * One Redis connection for our own state (queues make their own). A command fails fast when Redis
 * is down, unless `waitForReconnect`: the worker's commands then wait for Redis to come back, as
 * BullMQ's do, so a Redis restart mid-run pauses the run instead of failing it.
 */
export function createRedis(target: RedisTarget | string, opts: { lazyConnect?: boolean; waitForReconnect?: boolean } = {}): Redis {
  const redis = connectRedis(target, {
    lazyConnect: opts.lazyConnect ?? false,
    maxRetriesPerRequest: opts.waitForReconnect ? null : 2,
    enableOfflineQueue: true,
    connectTimeout: 5000,
    // Commands issued in one tick (concurrent write jobs) go out in one socket write.
    enableAutoPipelining: true,
  });
  defineScripts(redis);
  return redis;
}

/** Whether Redis answers PING at any of these URLs (a cluster's seeds) within the time given; never throws. */
export async function redisAnswers(urls: string | readonly string[], timeoutMs = 2000): Promise<boolean> {
  return (await redisPing(urls, timeoutMs)) === 'answers';
}

/**
 * How Redis takes a PING at any of these URLs: `answers`; `down` when nothing answers (refused,
 * no such host, a timeout); or, when a Redis answered but refused us, why, in a few words.
 */
export async function redisPing(urls: string | readonly string[], timeoutMs = 2000): Promise<'answers' | 'down' | { refused: string }> {
  const outcomes = await Promise.all((typeof urls === 'string' ? [urls] : urls).map((url) => pingOutcome(url, timeoutMs)));
  if (outcomes.includes('answers')) return 'answers';
  return outcomes.find((o): o is { refused: string } => typeof o === 'object') ?? 'down';
}

/** What a Redis that answered said when it refused us, by its error's words; undefined for no answer at all. */
function refusal(err: unknown): string | undefined {
  const message = err instanceof Error ? err.message : String(err);
  if (/WRONGPASS|invalid (username-)?password/i.test(message)) return 'refused the user name or password in REDIS_URL (WRONGPASS)';
  if (/NOAUTH|authentication required/i.test(message)) return 'requires a password: put it in REDIS_URL (redis://:PASSWORD@host:6379) (NOAUTH)';
  if (/NOPERM/i.test(message)) return "refused this user the commands the sync needs (NOPERM): check the user's ACL";
  if (/DB index is out of range/i.test(message)) return 'has no database of the number at the end of REDIS_URL (DB index is out of range)';
  if (/certificate|SSL|TLS/i.test(message)) return `refused the TLS connection (${message.slice(0, 120)})`;
  return undefined;
}

async function pingOutcome(url: string, timeoutMs: number): Promise<'answers' | 'down' | { refused: string }> {
  let redis: Redis | undefined;
  // A refused AUTH comes as an 'error' event; the connect itself fails with "Connection is closed".
  let said: unknown;
  try {
    redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
    redis.on('error', (err: unknown) => {
      said ??= err;
    });
    await redis.connect();
    const pong = (await redis.ping()) === 'PONG';
    // A database that could not be selected is only said (an 'error' event): the connection goes on in database 0.
    const refused = refusal(said);
    if (refused !== undefined) return { refused };
    return pong ? 'answers' : 'down';
  } catch (err) {
    const refused = refusal(said) ?? refusal(err);
    return refused === undefined ? 'down' : { refused };
  } finally {
    // A client whose connection was refused has ended; disconnecting it again would keep a
    // two-second timer (ioredis's disconnectTimeout) holding the process open.
    if (redis && redis.status !== 'end') redis.disconnect();
  }
}

export const key = (prefix: string, ...parts: string[]): string => [prefix, ...parts].join(':');

/** Deletes every key matching a SCAN pattern (a thousand at a time); answers how many went. */
export async function deleteKeys(url: string, match: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  let deleted = 0;
  try {
    for await (const keys of redis.scanStream({ match, count: 1000 })) {
      const batch = keys as string[];
      if (batch.length > 0) deleted += await redis.del(...batch);
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}
