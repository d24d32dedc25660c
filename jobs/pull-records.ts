import type { Logger } from 'winston';
import type { OktaPull } from '../clients/okta';
import { createPullStats, type PullStats } from '../store/pull-stats';
import { createSeenInScope } from '../store/seen-in-scope';
import { pullDrop } from '../sync/guard';
import type { JobDeps } from './deps';

/**
 * What a complete Okta pull of a real run leaves behind (a dry run's, nothing): its users as seen
 * in scope (off-boarding deactivates only those), and its in-scope count as the baseline the next
 * off-boarding run compares its own pull with. Not a count that fell by more than
 * DEACTIVATION_MAX_PERCENT (a group that lost its assignment, a bad filter): that pull is judged
 * against the last good one, and only an approved plan makes it the baseline. Answers the baseline
 * as it was before this pull.
 */
export async function recordCompletePull(deps: JobDeps, pull: OktaPull, source: string, dryRun: boolean, log: Logger): Promise<PullStats | undefined> {
  const stats = createPullStats(deps.redis, deps.config.redis.prefix);
  const before = await stats.last();
  if (dryRun) return before;
  // A user the pull could not map is still assigned and in scope.
  await createSeenInScope(deps.redis, deps.config.redis.prefix).add([...pull.users.map((u) => u.id), ...pull.rejected.map((r) => r.oktaId)]);
  if (pullDrop(before?.inScope, pull.counts.inScope, deps.config.offboard.maxPercent)) {
    log.warn('okta in-scope count fell: the last good count stays the baseline for off-boarding', { before: before?.inScope, now: pull.counts.inScope });
  } else {
    await recordBaseline(deps, pull, source);
  }
  return before;
}

/** Makes this pull's counts the baseline the next off-boarding run compares its pull with. */
export async function recordBaseline(deps: JobDeps, pull: OktaPull, source: string): Promise<void> {
  const stats = createPullStats(deps.redis, deps.config.redis.prefix);
  await stats.record({ inScope: pull.counts.inScope, appUsers: pull.counts.appUsers, at: new Date(deps.now()).toISOString(), source });
}
