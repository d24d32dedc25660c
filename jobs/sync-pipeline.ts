import { describeError, isSyncError } from '../clients/errors';
import { mapOktaUser } from '../mappers/okta-to-wfm';
import { plan } from '../sync/plan';
import { conflictsOf, countPlanned, type Failure, type RunKind } from '../sync/report';
import type { DesiredUser, OktaUser, Rejected, WfmUser } from '../sync/types';
import type { JobDeps } from './deps';
import { finishRun, startRun, type RunOutcome } from './run-report';

/** What a kind of sync run reads: the Okta users it covers, and their WFM counterparts. */
export type SyncSource = {
  pull(): Promise<{ users: OktaUser[]; rejected: Rejected[]; counts: Record<string, number> }>;
  readWfm(desired: readonly DesiredUser[]): Promise<WfmUser[]>;
};

/**
 * The one pipeline of every sync run: pull, map, read the WFM, plan, then write (unless dry-run).
 * A failed pull, read or an auth failure stops the run before any write; one bad user never does.
 */
export async function runSyncPipeline(
  deps: JobDeps,
  kind: RunKind,
  opts: { dryRun: boolean; runId?: string },
  source: SyncSource,
): Promise<RunOutcome> {
  const draft = startRun(deps, kind, opts.dryRun, opts.runId);
  const { report } = draft;
  const log = deps.logger.child({ runId: report.runId, job: kind });
  const retriesBefore = deps.scim.stats().retries + deps.okta.stats().retries;
  let fatal: RunOutcome['fatal'];
  try {
    log.info('run started', { dryRun: opts.dryRun });
    const pull = await source.pull();
    log.info('okta pulled', { ...pull.counts });
    const desired: DesiredUser[] = [];
    const failed: Failure[] = pull.rejected.map((r) => ({ oktaId: r.oktaId, userName: r.userName, action: 'map', error: r.reason }));
    for (const user of pull.users) {
      const mapped = mapOktaUser(user, { mapping: deps.config.mapping, supervisorGroups: deps.config.okta.supervisorGroups });
      if (mapped.ok) desired.push(mapped.user);
      else failed.push({ oktaId: user.id, userName: typeof user.profile.login === 'string' ? user.profile.login : '', action: 'map', error: mapped.reason });
    }
    const current = await source.readWfm(desired);
    log.info('wfm read', { users: current.length });
    const actions = plan(desired, current, { mapping: deps.config.mapping });
    report.planned = countPlanned(actions);
    report.conflicts = conflictsOf(actions);
    for (const c of report.conflicts) failed.push({ oktaId: c.oktaId, userName: c.userName, action: 'conflict', error: c.reason });
    log.info('planned', { ...report.planned, rejected: pull.rejected.length });
    if (!opts.dryRun) {
      const outcome = await deps.writer.apply(deps, report.runId, actions);
      report.applied = outcome.applied;
      failed.push(...outcome.failed);
    }
    report.failed = failed;
  } catch (err) {
    const errKind = isSyncError(err) ? err.kind : 'unexpected';
    fatal = { kind: errKind, message: describeError(err) };
    report.error = fatal.message;
    log.error('run stopped', { kind: errKind, error: fatal.message });
  }
  report.retries = deps.scim.stats().retries + deps.okta.stats().retries - retriesBefore;
  await finishRun(deps, draft);
  log.info('run finished', { planned: report.planned, applied: report.applied, failed: report.failed.length, durationMs: report.durationMs });
  return fatal ? { report, fatal } : { report };
}
