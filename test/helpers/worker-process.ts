import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(__dirname, '..', '..', 'dist', 'worker', 'cli.js');

export type WorkerProcess = { child: ChildProcess; stderr: () => string; exited: Promise<number | null> };

/** Starts `okta-wfm-sync worker` from the build (npm test builds first) as a separate process. */
export function spawnWorker(env: Record<string, string | undefined>, args: string[] = ['worker', '--no-http']): WorkerProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => err, exited };
}
