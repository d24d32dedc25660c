import { z } from 'zod';
import { describeError, isSyncError } from '../clients/errors';
import { mapOktaUser } from '../mappers/okta-to-wfm';
import { plan } from '../sync/plan';
import { conflictsOf, countPlanned, emptyApplied, emptyCounts, type Failure, type RunReport } from '../sync/report';
import type { DesiredUser } from '../sync/types';
import { applyPlan } from './apply-plan';
import type { JobDeps } from './deps';
import { readWfmUsers } from './read-wfm';

export const FULL_SYNC = 'full-sync' as const;

export const fullSyncPayload = z.object({ dryRun: z.boolean().default(false), runId: z.string().optional() }).strict();
export type FullSyncPayload = z.infer<typeof fullSyncPayload>;

/** A run that stopped as a whole: why, and whether a setting is to blame (exit code 2). */
export type RunOutcome = { report: RunReport; fatal?: { kind: string; message: string } };

/**
 * The full reconcile: pull the in-scope Okta users, map them, read the WFM, plan, apply. A failed
 * pull or an auth failure stops the run before any write; one bad user never does.
 */
export async function runFullSync(deps: JobDeps, input: Partial<FullSyncPayload> = {}): Promise<RunOutcome> {
  const payload = fullSyncPayload.parse(input);
  const runId = payload.runId ?? deps.newRunId(FULL_SYNC);
  const started = deps.now();
  const log = deps.logger.child({ runId, job: FULL_SYNC });
  const report: RunReport = {
    runId,
    kind: FULL_SYNC,
    dryRun: payload.dryRun,
    startedAt: new Date(started).toISOString(),
    finishedAt: '',
    planned: emptyCounts(),
    applied: emptyApplied(),
    failed: [],
    conflicts: [],
    retries: 0,
    durationMs: 0,
  };
  const retriesBefore = deps.scim.stats().retries + deps.okta.stats().retries;
  let fatal: RunOutcome['fatal'];
  try {
    log.info('run started', { dryRun: payload.dryRun });
    const pull = await deps.okta.pullInScope();
    log.info('okta pulled', { ...pull.counts });
    const desired: DesiredUser[] = [];
    const failed: Failure[] = pull.rejected.map((r) => ({ oktaId: r.oktaId, userName: r.userName, action: 'map', error: r.reason }));
    for (const user of pull.users) {
      const mapped = mapOktaUser(user, { mapping: deps.config.mapping, supervisorGroups: deps.config.okta.supervisorGroups });
      if (mapped.ok) desired.push(mapped.user);
      else failed.push({ oktaId: user.id, userName: typeof user.profile.login === 'string' ? user.profile.login : '', action: 'map', error: mapped.reason });
    }
    const current = await readWfmUsers(deps.scim, deps.config.wfm.readMode, desired, deps.config.wfm.concurrency);
    log.info('wfm read', { users: current.length, mode: deps.config.wfm.readMode });
    const actions = plan(desired, current, { mapping: deps.config.mapping });
    report.planned = countPlanned(actions);
    report.conflicts = conflictsOf(actions);
    for (const c of report.conflicts) failed.push({ oktaId: c.oktaId, userName: c.userName, action: 'conflict', error: c.reason });
    log.info('planned', { ...report.planned, rejected: pull.rejected.length });
    if (!payload.dryRun) {
      const outcome = await applyPlan(deps, runId, actions);
      report.applied = outcome.applied;
      failed.push(...outcome.failed);
    }
    report.failed = failed;
  } catch (err) {
    const kind = isSyncError(err) ? err.kind : 'unexpected';
    fatal = { kind, message: describeError(err) };
    report.error = fatal.message;
    log.error('run stopped', { kind, error: fatal.message });
  }
  const finished = deps.now();
  report.finishedAt = new Date(finished).toISOString();
  report.durationMs = finished - started;
  report.retries = deps.scim.stats().retries + deps.okta.stats().retries - retriesBefore;
  await deps.history.save(report);
  log.info('run finished', { planned: report.planned, applied: report.applied, failed: report.failed.length, durationMs: report.durationMs });
  return fatal ? { report, fatal } : { report };
}
