import { z } from 'zod';
import { createCursorStore } from '../store/cursor';
import { advanceCursor, baselineCursor, needsBaseline } from '../sync/incremental';
import type { RunReport } from '../sync/report';
import type { JobDeps } from './deps';
import { runFullSync } from './full-sync';
import { pullChanges, type ChangeRead } from './incremental-pull';
import { readWfmUsers } from './read-wfm';
import type { RunOutcome } from './run-report';
import { runSyncPipeline, type RunHooks } from './sync-pipeline';

export type { RunOutcome } from './run-report';

export const INCREMENTAL_SYNC = 'incremental-sync' as const;

export const incrementalSyncPayload = z.object({ dryRun: z.boolean().default(false), runId: z.string().optional() }).strict();
export type IncrementalSyncPayload = z.infer<typeof incrementalSyncPayload>;

/** Users whose write failed are read again by the next run, even with no new change in Okta. */
function failedWrites(report: RunReport): string[] {
  return report.failed.filter((f) => f.action === 'create' || f.action === 'update' || f.action === 'reactivate').map((f) => f.oktaId);
}

/**
 * Reads what changed in Okta since the cursor (System Log events and `lastUpdated`), re-reads only
 * the users touched and only their WFM counterparts, and applies the plan for them alone. The
 * cursor moves only once the run's writes are done: a run that fails is repeated from the old
 * cursor, and the plan against the live WFM makes the repeat write nothing twice. With no cursor
 * yet (or one past the System Log's retention) it runs a full sync and starts from when that began.
 */
export async function runIncrementalSync(deps: JobDeps, input: Partial<IncrementalSyncPayload> = {}, hooks: RunHooks = {}): Promise<RunOutcome> {
  const payload = incrementalSyncPayload.parse(input);
  const runOpts = { dryRun: payload.dryRun, ...(payload.runId ? { runId: payload.runId } : {}) };
  const log = deps.logger.child({ job: INCREMENTAL_SYNC });
  const cursors = createCursorStore(deps.redis, deps.config.redis.prefix);
  const stored = await cursors.load();
  const cursor = stored?.cursor;

  if (cursor === undefined || needsBaseline(cursor, deps.now())) {
    log.info(stored === undefined ? 'no cursor yet: full sync first' : 'cursor unusable or too old: full sync first');
    const startedAt = deps.now();
    const outcome = await runFullSync(deps, runOpts, hooks);
    if (!outcome.fatal && !payload.dryRun) {
      const saved = await cursors.save(baselineCursor(startedAt, deps.now(), failedWrites(outcome.report)), stored?.raw);
      if (!saved) log.warn('cursor set by another run meanwhile: left as it is', { runId: outcome.report.runId });
    }
    return outcome;
  }

  let read: ChangeRead | undefined;
  const outcome = await runSyncPipeline(deps, INCREMENTAL_SYNC, { ...hooks, ...runOpts }, {
    async pull() {
      const pulled = await pullChanges(deps, cursor, payload.dryRun);
      read = pulled.read;
      return pulled;
    },
    readWfm: (desired) => readWfmUsers(deps.scim, 'lookup', desired, deps.config.wfm.concurrency),
  });
  if (outcome.fatal || payload.dryRun || read === undefined) return outcome;
  const next = advanceCursor(cursor, read, failedWrites(outcome.report), deps.now());
  if (!(await cursors.save(next, stored?.raw))) {
    log.warn('cursor moved by another run meanwhile: this run does not move it', { runId: outcome.report.runId });
  }
  return outcome;
}
