import { z } from 'zod';
import { createCursorStore } from '../store/cursor';
import { createPullStats } from '../store/pull-stats';
import { reconcileInstead, type FullReadBasis } from '../sync/incremental';
import { advanceCursor, baselineCursor, needsBaseline } from '../sync/incremental-cursor';
import type { RunReport } from '../sync/report';
import type { WfmUser } from '../sync/types';
import type { JobDeps } from './deps';
import { pullWholeScope, runFullSync } from './full-sync';
import { byOktaClock, handToOffboarding, oktaTime, pullChanges, readChanges, type ChangeRead } from './incremental-pull';
import { readWfmUsers } from './read-wfm';
import type { RunOutcome } from './run-report';
import { runSyncPipeline, type RunHooks } from './sync-pipeline';

export type { RunOutcome } from './run-report';

export const INCREMENTAL_SYNC = 'incremental-sync' as const;

export const incrementalSyncPayload = z.object({ dryRun: z.boolean().default(false), runId: z.string().optional() }).strict();
export type IncrementalSyncPayload = z.infer<typeof incrementalSyncPayload>;

/**
 * Users whose write failed, or whose Okta read failed (Okta could not serve that user), are read
 * again by the next run, even with no new change in Okta; but not those whose data was refused
 * (400, a bad record): the same data would be refused every run, and a change of it in Okta
 * touches the user anyway.
 */
export function readAgainNextRun(report: RunReport): string[] {
  return report.failed.filter((f) => (f.action === 'create' || f.action === 'update' || f.action === 'reactivate' || f.action === 'read') && f.kind !== 'invalid').map((f) => f.oktaId);
}

/** The basis of the estimate of a full read: the last complete pull's counts, and the page sizes. */
async function fullReadBasis(deps: JobDeps): Promise<FullReadBasis | undefined> {
  const last = await createPullStats(deps.redis, deps.config.redis.prefix).last();
  if (last === undefined) return undefined;
  const { okta, wfm } = deps.config;
  return { inScope: last.inScope, appUsers: last.appUsers, oktaPageSize: okta.pageSize, wfmPageSize: wfm.pageSize, wfmReadMode: wfm.readMode };
}

/**
 * A run that read everything hands to off-boarding, as one reading the changed users does, the
 * changed users who left scope and still have an active WFM counterpart (off-boarding re-checks
 * and guards).
 */
async function handOverLeavers(deps: JobDeps, current: readonly WfmUser[], seen: { touched: ReadonlySet<string>; inScope: ReadonlySet<string> }, dryRun: boolean): Promise<void> {
  const left = current.flatMap((u) => (u.active && u.externalId !== undefined && seen.touched.has(u.externalId) && !seen.inScope.has(u.externalId) ? [u.externalId] : []));
  await handToOffboarding(deps, left, dryRun);
}

/**
 * Reads what changed in Okta since the cursor (System Log events and `lastUpdated`), re-reads only
 * the users touched and only their WFM counterparts, and applies the plan for them alone; when so
 * many changed that reading everything costs fewer calls (INCREMENTAL_RECONCILE_ABOVE), it reads
 * everything as a full sync does, as it does when the stored System Log checkpoint cannot be used
 * (refused by Okta, or on another origin than OKTA_ORG_URL). The cursor moves only once the run's writes are done: a run that fails is repeated from the old
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
      // Changes are read from when the full sync began by Okta's clock: one behind ours would
      // otherwise leave its changes of that gap unread (lastUpdated and the log are Okta's times).
      const saved = await cursors.save(baselineCursor(byOktaClock(deps, startedAt, log), deps.now(), readAgainNextRun(outcome.report)), stored?.raw);
      if (!saved) log.warn('cursor set by another run meanwhile: left as it is', { runId: outcome.report.runId });
    }
    return outcome;
  }

  let read: ChangeRead | undefined;
  /** Set when so many users changed that the run reads everything, as a full sync does. */
  let reconcile: { touched: ReadonlySet<string>; inScope: ReadonlySet<string> } | undefined;
  const outcome = await runSyncPipeline(deps, INCREMENTAL_SYNC, { ...hooks, ...runOpts }, {
    async pull() {
      const changes = await readChanges(deps, cursor);
      read = changes.read;
      // A checkpoint that could not be used leaves what changed unknown (readChanges said why).
      const unknown = changes.read.baselineAt !== undefined;
      if (!unknown && !reconcileInstead(changes.touched.length, deps.config.incremental.reconcileAbove, await fullReadBasis(deps))) {
        return pullChanges(deps, changes, payload.dryRun);
      }
      if (!unknown) log.info('many users changed: reading every in-scope user, as a full sync does', { changed: changes.touched.length });
      const pull = await pullWholeScope(deps, INCREMENTAL_SYNC, payload.dryRun);
      reconcile = { touched: new Set(changes.touched), inScope: new Set(pull.users.map((u) => u.id)) };
      const { warning } = changes.read;
      return { ...pull, counts: { ...pull.counts, touched: changes.touched.length, readEverything: 1 }, ...(warning !== undefined ? { warnings: [warning] } : {}) };
    },
    async readWfm(desired) {
      if (!reconcile) return readWfmUsers(deps.scim, 'lookup', desired, deps.config.wfm.concurrency, { listWhenRefused: deps.config.wfm.readMode === 'list' });
      const read = await readWfmUsers(deps.scim, deps.config.wfm.readMode, desired, deps.config.wfm.concurrency);
      await handOverLeavers(deps, read.users, reconcile, payload.dryRun);
      return read;
    },
    get wholeScope() {
      return reconcile !== undefined;
    },
    get holdsKnownCreates() {
      return reconcile === undefined;
    },
  });
  if (outcome.fatal || payload.dryRun || read === undefined) return outcome;
  // Okta's times (the log's, lastUpdated) move the cursor no further than Okta's clock.
  const next = advanceCursor(cursor, read, readAgainNextRun(outcome.report), oktaTime(deps, deps.now()));
  if (!(await cursors.save(next, stored?.raw))) {
    log.warn('cursor moved by another run meanwhile: this run does not move it', { runId: outcome.report.runId });
  }
  return outcome;
}
