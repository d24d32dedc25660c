import { isSyncError } from '../clients/errors';
import { mapOktaUser } from '../mappers/okta-to-wfm';
import { plan } from '../sync/plan';
import { storedFormCounts } from '../sync/stored-forms';
import { unchangeableWarning } from '../sync/unchangeable';
import { conflictsOf, countPlanned, type Failure, type RunKind } from '../sync/report';
import type { Action, DesiredUser, OktaUser, Rejected } from '../sync/types';
import type { JobDeps } from './deps';
import type { WfmRead } from './read-wfm';
import { classifyDrift, confirmNoops, holdCreatesOfKnownUsers, leaveOutUnkept, pruneDrift, recordAnswers } from './drift';
import { withNextStep } from './next-step';
import { finishRun, startRun, type RunOutcome } from './run-report';

/** What a kind of sync run reads: the Okta users it covers, and their WFM counterparts. */
export type SyncSource = {
  /** `warnings`: for the run report, what an admin should know that stopped nothing. */
  pull(): Promise<{ users: OktaUser[]; rejected: Rejected[]; counts: Record<string, number>; undocumented?: Record<string, number>; warnings?: string[] }>;
  readWfm(desired: readonly DesiredUser[]): Promise<WfmRead>;
  /** The pull answers the whole in-scope set, so the drift records of users outside it can go. */
  wholeScope?: boolean;
  /**
   * A run of a few users read by per-user searches (incremental, one-user resync), whose user not
   * found may still be in the WFM: a create for a user this sync wrote before waits for the next
   * full sync (see holdCreatesWrittenBefore). A full sync creates, whatever its read mode.
   */
  holdsKnownCreates?: boolean;
  /**
   * A manual resync of one user: values the WFM holds in a form of its own are sent again (a WFM
   * that now stores them whole takes them), where other runs leave them out (sync/stored-forms.ts).
   */
  writesStoredForms?: boolean;
};

export type PipelineOptions = {
  dryRun: boolean;
  runId?: string;
  /** Handed the plan, each change with its side, before any write (the `plan` command prints it). */
  onPlan?: (actions: readonly Action[]) => void;
};

/** What a caller may add to a run besides its payload: hooks, never data the job queue carries. */
export type RunHooks = Pick<PipelineOptions, 'onPlan'>;

/**
 * The one pipeline of every sync run: pull, map, read the WFM, plan, then write (unless dry-run).
 * A failed pull, read or an auth failure stops the run before any write; one bad user never does.
 */
export async function runSyncPipeline(deps: JobDeps, kind: RunKind, opts: PipelineOptions, source: SyncSource): Promise<RunOutcome> {
  const draft = startRun(deps, kind, opts.dryRun, opts.runId);
  const { report } = draft;
  const log = deps.logger.child({ runId: report.runId, job: kind });
  const clientRetries = (): number => deps.scim.stats().retries + deps.okta.stats().retries;
  const retriesBefore = clientRetries();
  // The writes count their own retries wherever they ran (another worker process, a retried job);
  // this process's counters over the write phase are replaced by that count.
  let writes: { retries: number; processRetries: number } | undefined;
  let fatal: RunOutcome['fatal'];
  try {
    log.info('run started', { dryRun: opts.dryRun });
    deps.onProgress?.({ phase: 'okta', done: 0 });
    const pull = await source.pull();
    if (pull.warnings !== undefined && pull.warnings.length > 0) report.warnings = [...pull.warnings];
    log.info('okta pulled', { ...pull.counts });
    if ((pull.counts.readOneByOne ?? 0) > 0) {
      log.warn('Okta listed app users without their user (expand=user): each was read on its own, one call a user', { users: pull.counts.readOneByOne });
    }
    if (pull.undocumented) {
      log.warn('Okta users in statuses Okta does not document are out of scope: not synced, and off-boarding leaves their WFM users active', { statuses: pull.undocumented });
    }
    deps.onProgress?.({ phase: 'okta', done: pull.users.length, finished: true });
    const desired: DesiredUser[] = [];
    const failed: Failure[] = pull.rejected.map((r) => ({ oktaId: r.oktaId, userName: r.userName, action: r.action ?? 'map', error: r.reason, ...(r.kind ? { kind: r.kind } : {}) }));
    for (const user of pull.users) {
      const mapped = mapOktaUser(user, { mapping: deps.config.mapping, supervisorGroups: deps.config.okta.supervisorGroups });
      if (mapped.ok) desired.push(mapped.user);
      else failed.push({ oktaId: user.id, userName: typeof user.profile.login === 'string' ? user.profile.login : '', action: 'map', error: mapped.reason });
    }
    deps.onProgress?.({ phase: 'wfm', done: 0 });
    const read = await source.readWfm(desired);
    const current = read.users;
    // A user the WFM could not look up is not planned: not found, it would be created a second time.
    const unreadable = new Set(read.unreadable.map((f) => f.oktaId));
    const plannable = unreadable.size > 0 ? desired.filter((d) => !unreadable.has(d.oktaId)) : desired;
    failed.push(...read.unreadable);
    log.info('wfm read', { users: current.length, ...(unreadable.size > 0 ? { unreadable: unreadable.size } : {}) });
    deps.onProgress?.({ phase: 'wfm', done: current.length, finished: true });
    const planned = plan(plannable, current, { mapping: deps.config.mapping });
    const classified = await classifyDrift(deps, source.holdsKnownCreates ? await holdCreatesOfKnownUsers(deps, planned) : planned, { storedForms: source.writesStoredForms ? 'write' : 'leave-out' });
    const { actions, drift, unkept, waiting, unchangeable } = await leaveOutUnkept(deps, classified, { wholeScope: source.wholeScope === true, dryRun: opts.dryRun, runId: report.runId, current }, log);
    if (unkept.length > 0) report.unkept = unkept;
    if (unchangeable.length > 0) report.unchangeable = unchangeable;
    const waitingWarning = unchangeableWarning(waiting);
    if (waitingWarning !== undefined) report.warnings = [...(report.warnings ?? []), waitingWarning];
    const forms = storedFormCounts(actions);
    if (Object.keys(forms).length > 0) log.info('values the WFM holds in a form of its own (cut short, characters replaced): not written again (README: "Values the WFM stores in a form of its own")', { usersByAttribute: forms });
    report.planned = countPlanned(actions);
    report.conflicts = conflictsOf(actions);
    report.drift = drift;
    for (const c of report.conflicts) failed.push({ oktaId: c.oktaId, userName: c.userName, action: 'conflict', error: c.reason });
    const { edited: _edited, ...bySide } = drift;
    log.info('planned', { ...report.planned, rejected: pull.rejected.length, changedBy: bySide });
    deps.onProgress?.({ phase: 'plan', done: actions.length, finished: true });
    opts.onPlan?.(actions);
    if (!opts.dryRun) {
      await confirmNoops(deps, actions, plannable);
      if (source.wholeScope) await pruneDrift(deps, pull, log);
      const before = clientRetries();
      const outcome = await deps.writer.apply(deps, report.runId, actions);
      writes = { retries: outcome.retries, processRetries: clientRetries() - before };
      await recordAnswers(deps, outcome, log);
      report.applied = outcome.applied;
      failed.push(...outcome.failed);
      if (outcome.stopped) {
        report.failed = failed;
        throw outcome.stopped;
      }
    }
    report.failed = failed;
  } catch (err) {
    const errKind = isSyncError(err) ? err.kind : 'unexpected';
    fatal = { kind: errKind, message: withNextStep(err) };
    report.error = fatal.message;
    log.error('run stopped', { kind: errKind, error: fatal.message });
    // Where it happened is for developers: only at LOG_LEVEL=debug, as the message says.
    if (err instanceof Error) log.debug('run stopped: stack', { stack: err.stack });
  }
  report.retries = clientRetries() - retriesBefore + (writes ? writes.retries - writes.processRetries : 0);
  await finishRun(deps, draft);
  log.info('run finished', { planned: report.planned, applied: report.applied, failed: report.failed.length, durationMs: report.durationMs });
  return fatal ? { report, fatal } : { report };
}
