import { Cluster } from 'ioredis';
import { clusterSetup, connectRedis, redisAnswers } from '../../store/redis';
import { REDIS_URL } from '../helpers/harness';
import { freePort } from '../helpers/redis-cluster';

describe('connectRedis on a Redis Cluster', () => {
  it('seeds the cluster with every node of the list, with the credentials of the URLs', () => {
    const { nodes, options } = clusterSetup(['redis://app:p%40ss@10.0.0.1:7000', 'redis://app:p%40ss@[::1]:7001', 'redis://app:p%40ss@node-c'], {
      connectTimeout: 5000,
      lazyConnect: true,
      enableAutoPipelining: true,
    });
    expect(nodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: '::1', port: 7001 },
      { host: 'node-c', port: 6379 },
    ]);
    expect(options).toEqual({ redisOptions: { connectTimeout: 5000, username: 'app', password: 'p@ss' }, lazyConnect: true, enableAutoPipelining: true });
  });

  it('over rediss:// keeps each node\'s host name for the TLS certificate check', () => {
    const { nodes, options } = clusterSetup(['rediss://cache-0001.example.com:6379', 'rediss://cache-0002.example.com:6379']);
    expect(nodes.map((n) => (typeof n === 'object' ? n.host : n))).toEqual(['cache-0001.example.com', 'cache-0002.example.com']);
    expect(options.redisOptions?.tls).toEqual({});
    const lookup = options.dnsLookup;
    expect(lookup).toBeDefined();
    const answered: unknown[][] = [];
    lookup?.('cache-0001.example.com', (...args) => answered.push(args));
    expect(answered).toEqual([[null, 'cache-0001.example.com']]);
  });

  it('builds an ioredis Cluster from the target\'s seeds, and a one-server client without cluster', () => {
    const cluster = connectRedis({ url: 'redis://127.0.0.1:1', seeds: ['redis://127.0.0.1:1', 'redis://127.0.0.1:2'], cluster: true }, { lazyConnect: true });
    try {
      expect(cluster).toBeInstanceOf(Cluster);
    } finally {
      cluster.disconnect();
    }
    const one = connectRedis({ url: 'redis://127.0.0.1:1' }, { lazyConnect: true });
    try {
      expect(one).not.toBeInstanceOf(Cluster);
    } finally {
      one.disconnect();
    }
  });
});

describe('redisAnswers', () => {
  it('is true when any of the URLs answers, false when none does', async () => {
    const dead = `redis://127.0.0.1:${await freePort()}`;
    expect(await redisAnswers([dead, REDIS_URL])).toBe(true);
    expect(await redisAnswers(REDIS_URL)).toBe(true);
    expect(await redisAnswers([dead, `redis://127.0.0.1:${await freePort()}`])).toBe(false);
  });
});
