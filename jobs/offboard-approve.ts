import type { Logger } from 'winston';
import { SyncError } from '../clients/errors';
import { createOffboardPlans } from '../store/offboard-plans';
import { createOutOfScopeMarks } from '../store/out-of-scope';
import { createPullStats } from '../store/pull-stats';
import { createRecentDeactivations } from '../store/recent-deactivations';
import type { RunReport } from '../sync/report';
import type { JobDeps } from './deps';
import { recheckAndDeactivate } from './offboard-execute';

// `okta-wfm-sync approve <planId>`: the plan a guard kept, applied once an admin reviewed it.

/** The Okta org and scope a plan is made under, as the settings name them. */
export function planSource(deps: JobDeps): { org: string; scope: string } {
  const { orgUrl, appId, scopeGroups } = deps.config.okta;
  const scope = scopeGroups.length > 0 ? `OKTA_GROUPS=${[...scopeGroups].sort().join(',')}` : `OKTA_APP_ID=${appId ?? ''}`;
  return { org: orgUrl.replace(/\/+$/, '').toLowerCase(), scope };
}

/** `approve <planId>`: exactly the saved plan, each user re-checked first; the plan is used once (kept when the run stops). */
export async function applySavedPlan(deps: JobDeps, report: RunReport, planId: string, log: Logger): Promise<void> {
  const plans = createOffboardPlans(deps.redis, deps.config.redis.prefix);
  const saved = await plans.get(planId);
  if (!saved) {
    throw new SyncError(
      `there is no saved plan ${planId}: it was applied already or it expired (plans are kept 24 hours). Run \`okta-wfm-sync offboard --once\` to plan again`,
      { kind: 'not-found', service: 'local' },
    );
  }
  report.planId = planId;
  // Under another org or scope, each user of the plan would read as gone or unassigned there.
  const here = planSource(deps);
  if (saved.source && (saved.source.org !== here.org || saved.source.scope !== here.scope)) {
    throw new SyncError(
      `plan ${planId} was made for Okta ${saved.source.org} (${saved.source.scope}), and these settings name ${here.org} (${here.scope}): check OKTA_ORG_URL, OKTA_APP_ID and OKTA_GROUPS. Nobody was re-checked or deactivated`,
      { kind: 'config', service: 'local' },
    );
  }
  // The re-check judges each user against OKTA_APP_ID or OKTA_GROUPS: a scope that no longer
  // resolves (another or a mistyped setting, a deleted group) would make everyone "no longer
  // assigned". It stops the run here, naming the setting, before anyone is re-checked.
  const scope = await deps.okta.probeScope();
  const unknown = scope.scope === 'groups' ? scope.groups.flatMap((g) => ('problem' in g ? [g.problem] : [])) : [];
  if (unknown.length > 0) throw new SyncError(`${unknown.join('; ')}. Nobody was re-checked or deactivated`, { kind: 'config', service: 'okta' });
  log.warn('applying an approved plan', { planId, users: saved.items.length, createdAt: saved.createdAt });
  const outcome = await recheckAndDeactivate(deps, report.runId, saved.items, { dryRun: report.dryRun, log });
  report.planned.deactivate = outcome.confirmed;
  report.planned.noop = outcome.kept.length;
  report.applied.deactivate = outcome.deactivated;
  report.deactivations = outcome.users;
  report.failed = outcome.failed;
  if (!report.dryRun) {
    // A run that stopped keeps its plan: approved again once the cause is fixed, it re-checks
    // everyone, and those deactivated already read inactive and are left alone.
    if (!outcome.stopped) {
      await plans.remove(planId);
      // Approving a plan is a review of what off-boarding did lately too: the guards' window starts again.
      await createRecentDeactivations(deps.redis, deps.config.redis.prefix).clear();
      // And of its pull: an in-scope count that fell is real, and the baseline from now on.
      const stats = createPullStats(deps.redis, deps.config.redis.prefix);
      const last = await stats.last();
      if (saved.pull && (!last || saved.pull.inScope < last.inScope)) await stats.record({ ...saved.pull, at: new Date(deps.now()).toISOString(), source: 'approve' });
    }
    await createOutOfScopeMarks(deps.redis, deps.config.redis.prefix).clear([...outcome.kept, ...outcome.done]);
  }
  if (outcome.stopped) throw outcome.stopped;
}
