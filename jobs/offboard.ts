import type { Logger } from 'winston';
import { z } from 'zod';
import { SyncError, describeError, isSyncError } from '../clients/errors';
import { requireWfmApi } from '../clients/wfm-api';
import { formatDuration } from '../config/duration';
import { PLAN_ID, PLAN_TTL_SECONDS, createOffboardPlans } from '../store/offboard-plans';
import { createOutOfScopeMarks } from '../store/out-of-scope';
import { createRecentDeactivations } from '../store/recent-deactivations';
import { createSeenInScope } from '../store/seen-in-scope';
import { checkBlastRadius, guardMessage, pullDrop } from '../sync/guard';
import { orgIdTest, planOffboard } from '../sync/offboard-plan';
import type { RunReport } from '../sync/report';
import type { JobDeps } from './deps';
import { applySavedPlan, planSource } from './offboard-approve';
import { recheckAndDeactivate } from './offboard-execute';
import { withNextStep } from './next-step';
import { recordBaseline, recordCompletePull } from './pull-records';
import { finishRun, startRun, type RunOutcome } from './run-report';
import { LISTING_NOT_READ } from '../config/offboarding';

export const OFFBOARD = 'offboard' as const;

/** `planId` set: apply that saved plan (`okta-wfm-sync approve`) instead of planning from Okta. */
export const offboardPayload = z
  .object({ dryRun: z.boolean().default(false), runId: z.string().optional(), planId: z.string().regex(PLAN_ID).optional() })
  .strict();
export type OffboardPayload = z.infer<typeof offboardPayload>;

/** `guard` is set when the blast-radius guard stopped the run (exit 3); `planId` is empty in a dry run (no plan saved). */
export type OffboardOutcome = RunOutcome & { guard?: { planId: string; message: string } };
type Guard = OffboardOutcome['guard'];

const retries = (deps: JobDeps): number => deps.okta.stats().retries + deps.scim.stats().retries + (deps.wfmApi?.stats().retries ?? 0);

/**
 * Off-boarding: deactivates, through the WFM user-management API, the active WFM users linked to
 * Okta users that left scope (suspended, deprovisioned, deleted, unassigned), after the grace
 * period, behind the blast-radius guard, each re-checked in Okta just before. Or, with `planId`,
 * applies a plan a guard kept. WFM users with no Okta link are never touched.
 */
export async function runOffboard(deps: JobDeps, input: Partial<OffboardPayload> = {}): Promise<OffboardOutcome> {
  const payload = offboardPayload.parse(input);
  const draft = startRun(deps, OFFBOARD, payload.dryRun, payload.runId);
  const { report } = draft;
  const log = deps.logger.child({ runId: report.runId, job: OFFBOARD });
  const retriesBefore = retries(deps);
  let fatal: RunOutcome['fatal'];
  let guard: Guard;
  try {
    log.info('run started', { dryRun: payload.dryRun, ...(payload.planId ? { planId: payload.planId } : {}) });
    // Without the user-management API nothing can be deactivated; a dry run still shows the plan.
    if (!payload.dryRun) requireWfmApi(deps.wfmApi);
    if (payload.planId !== undefined) await applySavedPlan(deps, report, payload.planId, log);
    else guard = await offboardFromOkta(deps, report, log);
  } catch (err) {
    const kind = isSyncError(err) ? err.kind : 'unexpected';
    fatal = { kind, message: withNextStep(err) };
    report.error = fatal.message;
    log.error('run stopped', { kind, error: fatal.message });
  }
  report.retries = retries(deps) - retriesBefore;
  await finishRun(deps, draft);
  log.info('run finished', { planned: report.planned.deactivate, applied: report.applied.deactivate, failed: report.failed.length, durationMs: report.durationMs });
  return { report, ...(fatal ? { fatal } : {}), ...(guard ? { guard } : {}) };
}

/** Logged for linked WFM users whose Okta user this deployment never saw in scope (counted as unmanaged). */
export const NEVER_SEEN_LOG = 'WFM users linked to Okta users never in scope here (another app\'s sync, an earlier integration): unmanaged, not deactivated';

/** Pulls the in-scope set; a pull that did not finish stops the run before anything is read or written. */
async function pullInScope(deps: JobDeps) {
  try {
    return await deps.okta.pullInScope();
  } catch (err) {
    const kind = isSyncError(err) && (err.kind === 'auth' || err.kind === 'config') ? err.kind : 'incomplete';
    // A setting or credentials Okta refused: waiting for Okta changes nothing, the message says what to fix.
    const then = kind === 'incomplete' ? '; run again once Okta answers' : '';
    throw new SyncError(`the Okta pull did not finish, so nothing was deactivated (${describeError(err)})${then}`, { kind, service: 'okta' });
  }
}

async function offboardFromOkta(deps: JobDeps, report: RunReport, log: Logger): Promise<Guard> {
  const { offboard, redis } = deps.config;
  if (deps.config.wfm.readMode !== 'list') {
    throw new SyncError(`off-boarding is off: ${LISTING_NOT_READ}`, {
      kind: 'config',
      service: 'local',
    });
  }
  deps.onProgress?.({ phase: 'okta', done: 0 });
  const pull = await pullInScope(deps);
  log.info('okta pulled', { ...pull.counts });
  deps.onProgress?.({ phase: 'okta', done: pull.users.length, finished: true });
  deps.onProgress?.({ phase: 'wfm', done: 0 });
  const wfmUsers = await deps.scim.listAll();
  deps.onProgress?.({ phase: 'wfm', done: wfmUsers.length, finished: true });
  // A user the pull could not map is still assigned and in scope: it is not known to be out.
  const inScopeIds = new Set([...pull.users.map((u) => u.id), ...pull.rejected.map((r) => r.oktaId)]);
  const marks = createOutOfScopeMarks(deps.redis, redis.prefix);
  const now = deps.now();
  // The candidates, all out of scope, are judged the same whether or not this pull is recorded.
  const before = await recordCompletePull(deps, pull, OFFBOARD, report.dryRun, log);
  const seenInScope = createSeenInScope(deps.redis, redis.prefix);
  // Ids no form tells as this org's (short ones, several forms) link their users once seen in scope.
  const linked = orgIdTest(inScopeIds);
  const unformed = [...new Set(wfmUsers.flatMap((u) => (u.externalId && !linked(u.externalId) ? [u.externalId] : [])))];
  const seenIds = unformed.length > 0 ? await seenInScope.seen(unformed) : new Set<string>();
  const planned = planOffboard({ wfmUsers, inScopeIds, seenIds, outSince: await marks.all(), now, graceMs: offboard.graceMs });
  // A candidate this deployment never saw in scope was linked by something else (another app's
  // sync, an earlier integration): reported, never deactivated, and not counted by the guards.
  const seen = await seenInScope.seen(planned.candidates.map((c) => c.oktaId));
  const unseen = planned.candidates.filter((c) => !seen.has(c.oktaId));
  // They count as unmanaged (this deployment does not manage them), not in the guards' base.
  const plan = {
    ...planned,
    candidates: planned.candidates.filter((c) => seen.has(c.oktaId)),
    managedActive: planned.managedActive - unseen.length,
    unmanaged: planned.unmanaged + unseen.length,
  };
  if (unseen.length > 0) log.warn(NEVER_SEEN_LOG, { users: unseen.length, oktaIds: unseen.slice(0, 20).map((c) => c.oktaId) });
  const limits = { maxPercent: offboard.maxPercent, maxCount: offboard.maxCount };
  // Marks are observations and never deactivate anyone on their own, so they are kept even when
  // the pull looks implausible (the guard below judges that).
  if (!report.dryRun) {
    await marks.mark(plan.mark, now);
    await marks.clear(plan.clear);
  }

  // A fall that leaves nobody to deactivate, now or after the grace period (those who left were
  // deactivated already, by hand or by an earlier run), becomes the baseline: else every later
  // leaver, even one, would trip the pull-drop rule against a count that can no longer come back.
  // A pull that lost users by mistake leaves their active WFM users out of scope, and stays guarded.
  const fell = pullDrop(before?.inScope, pull.counts.inScope, offboard.maxPercent);
  if (fell && !report.dryRun && plan.candidates.length === 0 && plan.waiting.length === 0) {
    await recordBaseline(deps, pull, OFFBOARD);
    log.info('okta in-scope count fell with nobody active in the WFM to deactivate: it is the baseline from now on', { before: before?.inScope, now: pull.counts.inScope });
  }

  report.unmanaged = plan.unmanaged;
  report.inGrace = plan.waiting.length;
  log.info('planned', { managedActive: plan.managedActive, candidates: plan.candidates.length, inGrace: plan.waiting.length, unmanaged: plan.unmanaged, grace: formatDuration(offboard.graceMs) });

  const recentDeactivations = createRecentDeactivations(deps.redis, redis.prefix);
  const windowMs = offboard.windowMs;
  const recent = windowMs > 0 && plan.candidates.length > 0 ? { deactivations: await recentDeactivations.countSince(now - windowMs), window: formatDuration(windowMs) } : undefined;
  const trips = checkBlastRadius(
    {
      deactivations: plan.candidates.length,
      managedActive: plan.managedActive,
      inScopeNow: pull.counts.inScope,
      ...(before ? { inScopeBefore: before.inScope } : {}),
      ...(recent ? { recent } : {}),
    },
    limits,
  );
  if (trips.length > 0) {
    report.planned.deactivate = plan.candidates.length;
    report.planned.noop = plan.managedActive - plan.candidates.length;
    report.heldByGuard = plan.candidates.map((c) => ({ oktaId: c.oktaId, userName: c.userName, wfmId: c.wfmId }));
    let planId = '';
    let expiresAt: string | undefined;
    if (!report.dryRun) {
      planId = deps.newRunId('plan');
      expiresAt = new Date(now + PLAN_TTL_SECONDS * 1000).toISOString();
      const items = plan.candidates.map((c) => ({ wfmId: c.wfmId, oktaId: c.oktaId, userName: c.userName }));
      await createOffboardPlans(deps.redis, redis.prefix).save({
        planId,
        runId: report.runId,
        createdAt: new Date(now).toISOString(),
        expiresAt,
        reason: trips.map((t) => t.detail).join('; '),
        items,
        pull: { inScope: pull.counts.inScope, appUsers: pull.counts.appUsers },
        source: planSource(deps),
      });
      report.planId = planId;
    }
    const message = guardMessage(trips, { ...(planId ? { planId } : {}), ...(expiresAt ? { expiresAt } : {}) });
    report.error = message;
    log.warn('guard tripped: nothing deactivated', { rules: trips.map((t) => t.rule), deactivations: plan.candidates.length, managedActive: plan.managedActive, planId });
    return { planId, message };
  }

  // Each batch's deactivations count for the guards of the runs after it, within
  // DEACTIVATION_WINDOW, from just before its call (an approved plan's do not).
  const countAhead = windowMs > 0 ? (oktaIds: readonly string[]) => recentDeactivations.reserve(oktaIds, deps.now(), deps.now() - windowMs) : undefined;
  const outcome = await recheckAndDeactivate(deps, report.runId, plan.candidates, { dryRun: report.dryRun, log, ...(countAhead ? { countAhead } : {}) });
  report.planned.deactivate = outcome.confirmed;
  report.planned.noop = plan.managedActive - outcome.confirmed;
  report.applied.deactivate = outcome.deactivated;
  report.deactivations = outcome.users;
  report.failed = outcome.failed;
  if (!report.dryRun) await marks.clear([...outcome.kept, ...outcome.done]);
  if (outcome.stopped) throw outcome.stopped;
  return undefined;
}
