import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { loadConfig } from '../config/load-config';
import { sandboxEnv } from '../sandbox/env';
import { inScopeUsers } from '../sandbox/okta/oracle';
import { startOktaSandbox } from '../sandbox/okta/server';
import { startWfmSandbox } from '../sandbox/wfm/server';
import { createLogger } from '../worker/logger';
import { startWorker } from '../worker/runtime';

/**
 * Measures, in the sandbox, how long an Okta deactivation takes to reach the WFM with a given
 * schedule: a worker runs the crons, a user is suspended in Okta at a random moment, and the time
 * until the WFM user reads inactive is taken. Usage:
 *   node dist/bench/offboard-latency.js [--incremental-cron CRON] [--offboard-cron CRON] [--samples N]
 */
function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

async function main(): Promise<void> {
  const incremental = arg('incremental-cron', '*/5 * * * *');
  const offboard = arg('offboard-cron', '0 * * * *');
  const samples = Number(arg('samples', '3'));
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `okta-wfm-latency-${randomBytes(3).toString('hex')}`;
  const okta = await startOktaSandbox({ users: 300, seed: 3 });
  const wfm = await startWfmSandbox();
  const env = sandboxEnv(okta, wfm, {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    SYNC_CRON: 'off',
    INCREMENTAL_CRON: incremental,
    OFFBOARD_CRON: offboard,
    WFM_MAX_RPS: '500',
    HTTP_PORT: '0',
  });
  const worker = await startWorker(loadConfig(env), createLogger({ level: 'warn', pretty: false }), { http: false });
  const results: number[] = [];
  try {
    const expected = inScopeUsers(okta.state, okta.appId).length;
    process.stderr.write(`incremental ${incremental}, offboard ${offboard}: waiting for the first run to create ${expected} users\n`);
    while (wfm.state.all().filter((u) => u.externalId).length < expected) await sleep(200);
    const victims = inScopeUsers(okta.state, okta.appId).filter((u) => u.status === 'ACTIVE').slice(0, samples);
    for (const victim of victims) {
      await sleep(Math.floor(Math.random() * 5000));
      const started = Date.now();
      okta.state.setStatus(victim.id, 'SUSPENDED');
      for (;;) {
        const user = wfm.state.all().find((u) => u.externalId === victim.id);
        if (user?.active === false) break;
        await sleep(100);
      }
      results.push((Date.now() - started) / 1000);
      process.stderr.write(`  ${victim.id}: inactive in the WFM after ${results.at(-1)?.toFixed(1)} s\n`);
    }
    const runs = await worker.app.deps.history.list(100);
    const avg = (kind: string) => {
      const d = runs.filter((r) => r.kind === kind && r.durationMs > 0).map((r) => r.durationMs / 1000);
      return d.length > 0 ? (d.reduce((a, b) => a + b, 0) / d.length).toFixed(2) : 'n/a';
    };
    process.stdout.write(
      `${JSON.stringify({ incrementalCron: incremental, offboardCron: offboard, users: 300, latencySeconds: results, maxSeconds: Math.max(...results), meanIncrementalRunSeconds: avg('incremental-sync'), meanOffboardRunSeconds: avg('offboard') })}\n`,
    );
  } finally {
    await worker.close();
    await Promise.all([okta.close(), wfm.close()]);
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`offboard-latency failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
