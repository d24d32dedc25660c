import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { CLI } from '../../helpers/worker-process';

export type CliRun = { code: number | null; out: string; err: string };

/**
 * Runs the built CLI as its own process (in `cwd`, when given), capturing stdout and stderr (its
 * logs) whole. With `killAfterMs`, a process still running then is killed (its code is null).
 */
export function runCliProcess(env: Record<string, string | undefined>, args: string[], opts: { cwd?: string; killAfterMs?: number } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
  });
  const killer = opts.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, out, err });
    }),
  );
}

/** Every key under the prefix with its whole value, whatever its type: jobs, reports, audit, state. */
export async function dumpRedis(url: string, prefix: string): Promise<string> {
  const redis = new Redis(url);
  const parts: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        let value: unknown;
        if (type === 'string') value = await redis.get(key);
        else if (type === 'hash') value = await redis.hgetall(key);
        else if (type === 'list') value = await redis.lrange(key, 0, -1);
        else if (type === 'set') value = await redis.smembers(key);
        else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
        else if (type === 'stream') value = await redis.xrange(key, '-', '+');
        parts.push(`${key} ${JSON.stringify(value)}`);
      }
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
  return parts.join('\n');
}

/** The dashboard's JSON API as a browser would read it: every queue, every job state, its workers, Redis stats. */
export async function dumpDashboard(baseUrl: string, authorization: string): Promise<string> {
  const get = async (path: string): Promise<string> => {
    const res = await fetch(`${baseUrl}/admin/queues${path}`, { headers: { Authorization: authorization } });
    if (res.status !== 200) throw new Error(`dashboard ${path} answered ${res.status}`);
    return res.text();
  };
  const first = await get('/api/queues');
  const names = (JSON.parse(first) as { queues: { name: string }[] }).queues.map((q) => q.name);
  const parts = [first, await get('/api/redis/stats'), await get('/api/job-schedulers')];
  for (const name of names) {
    const q = encodeURIComponent(name);
    parts.push(await get(`/api/queues/${q}/workers`));
    for (const status of ['latest', 'active', 'waiting', 'delayed', 'completed', 'failed']) {
      parts.push(await get(`/api/queues?activeQueue=${q}&status=${status}&page=1&jobsPerPage=1000`));
    }
  }
  return parts.join('\n');
}

/**
 * Where a secret shows, whole or in part: each capture is searched for the secret and for
 * 12-character slices of it (every third one of a short secret, end to end for a long one), so a
 * truncated or partly masked secret is found too.
 */
export function leaks(captures: Record<string, string>, secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    const slices = new Set([secret]);
    const step = secret.length <= 40 ? 3 : 12;
    for (let i = 0; i + 12 <= secret.length; i += step) slices.add(secret.slice(i, i + 12));
    for (const [where, text] of Object.entries(captures)) {
      const hit = [...slices].find((s) => text.includes(s));
      if (hit !== undefined) found.push(`${name} in ${where} (${hit === secret ? 'whole' : `"${hit}"`})`);
    }
  }
  return found;
}
