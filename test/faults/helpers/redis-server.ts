import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../helpers/wait';

/** A redis-server of the test's own, with AOF as docker-compose.yml runs it, that the test can restart. */
export type RedisServer = {
  url: string;
  dir: string;
  /** SHUTDOWN (AOF flushed), as a restart or a crash-free stop does. */
  shutdown(): Promise<void>;
  /** Starts it again on the same port and directory: it reloads the AOF. */
  start(): Promise<void>;
  close(): Promise<void>;
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Whether a Redis answers PING. */
export async function redisAnswers(url: string): Promise<boolean> {
  return (await rawCommand(url, 'PING')).startsWith('+PONG');
}

/**
 * One inline command over a bare socket; answers the first reply, or '' when none came. Not
 * ioredis: a client whose connection was refused or dropped keeps the process alive a while.
 */
function rawCommand(url: string, command: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const done = (reply: string): void => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(1000, () => done(''));
    socket.once('error', () => done(''));
    socket.once('close', () => done(''));
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.once('data', (chunk) => done(chunk.toString('utf8')));
  });
}

/** `aof: false` only for the control test that shows what AOF is for. */
export async function startRedisServer(opts: { aof?: boolean } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'okta-wfm-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', opts.aof === false ? 'no' : 'yes', '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction'];
  const start = async (): Promise<void> => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    await waitFor(async () => ((await redisAnswers(url)) ? true : undefined), 15000, `redis-server on port ${port}`);
  };
  const shutdown = async (): Promise<void> => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    await rawCommand(url, 'SHUTDOWN'); // no reply: the connection closes as the server goes
    await exited;
  };
  await start();
  return {
    url,
    dir,
    shutdown,
    start,
    async close() {
      await shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
