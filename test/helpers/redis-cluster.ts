import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { waitFor } from './wait';

const run = promisify(execFile);

export type RedisCluster = {
  /** A URL of a node that does not hold the slot of `key`: a client must follow the cluster to reach it. */
  urlAwayFrom(key: string): Promise<string>;
  close(): Promise<void>;
};

/** A loopback port nobody listens on (at the time of asking). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A Redis Cluster of three masters on loopback (`redis-server` and `redis-cli` from PATH), nothing kept on disk. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'okta-wfm-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const servers: ChildProcess[] = ports.map((port) =>
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' }),
  );
  const close = async (): Promise<void> => {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => (s.exitCode !== null ? resolve() : (s.once('exit', () => resolve()), s.kill('SIGKILL'))))));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => {
      const answers = await Promise.all(ports.map((p) => run('redis-cli', ['-p', String(p), 'ping']).then((r) => r.stdout.trim(), () => '')));
      return answers.every((a) => a === 'PONG') ? true : undefined;
    }, 10000, 'the cluster nodes');
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    await waitFor(async () => {
      const states = await Promise.all(ports.map((p) => run('redis-cli', ['-p', String(p), 'cluster', 'info']).then((r) => r.stdout, () => '')));
      return states.every((s) => s.includes('cluster_state:ok')) ? true : undefined;
    }, 20000, 'the cluster to be ready');
  } catch (err) {
    await close();
    throw err;
  }
  return {
    async urlAwayFrom(key) {
      const node = new Redis(ports[0] ?? 0, '127.0.0.1');
      try {
        const slot = Number(await node.call('CLUSTER', 'KEYSLOT', key));
        const ranges = (await node.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
        const holder = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2][1];
        return `redis://127.0.0.1:${ports.find((p) => p !== holder) ?? 0}`;
      } finally {
        node.disconnect();
      }
    },
    close,
  };
}
