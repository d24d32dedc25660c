import { describeError, isSyncError, type SyncError } from '../clients/errors';
import type { SavedPlanItem } from '../store/offboard-plans';
import { createSeenInScope } from '../store/seen-in-scope';
import { batches, isOktaUserId, judgeRecheck } from '../sync/offboard-plan';
import { mapPool } from '../sync/pool';
import { notAttempted } from './apply-plan';
import type { JobDeps } from './deps';
import { deactivateBatch, stopsRun, type Checked, type ExecuteOptions, type ExecuteOutcome, type Fail } from './offboard-batch';

export type { ExecuteOptions, ExecuteOutcome } from './offboard-batch';

/** Okta reads in flight at once while re-checking (each is three calls; the apps bucket is 100/min). */
const RECHECK_CONCURRENCY = 4;

/**
 * Re-reads one candidate in Okta and in the WFM just before acting, so a stale list (or a plan
 * approved hours later) never deactivates someone who came back, or a WFM user relinked since.
 */
async function recheck(deps: JobDeps, item: SavedPlanItem): Promise<Checked> {
  try {
    const check = await deps.okta.checkUser(item.oktaId);
    // An id not of Okta's form that Okta does not know is taken for deleted only if this deployment saw it in scope.
    const seenInScope = !check.found && !isOktaUserId(item.oktaId) && (await createSeenInScope(deps.redis, deps.config.redis.prefix).seen([item.oktaId])).has(item.oktaId);
    const verdict = judgeRecheck(
      item.oktaId,
      check.found ? { found: true, oktaId: check.oktaId, status: check.user.status, assigned: check.assigned, inScope: check.inScope } : { found: false },
      { seenInScope },
    );
    if (verdict.verdict !== 'deactivate') return { item, verdict };
    const current = await deps.scim.get(item.wfmId).catch((err: unknown) => {
      if (isSyncError(err) && err.kind === 'not-found') return undefined;
      throw err;
    });
    if (current === undefined) return { item, verdict: { verdict: 'keep', reason: 'no longer in the WFM' } };
    if (current.externalId !== item.oktaId) {
      return { item, verdict: { verdict: 'refuse', reason: `the WFM user is now linked to ${current.externalId ?? 'no Okta user'}: not touched` } };
    }
    if (!current.active) return { item, verdict: { verdict: 'keep', reason: 'already inactive in the WFM' } };
    return { item, verdict };
  } catch (err) {
    if (stopsRun(err)) throw err;
    return { item, verdict: { verdict: 'refuse', reason: `could not re-check before deactivating: ${describeError(err)}` } };
  }
}

/**
 * Deactivates the items through the user-management API in batches of WFM_DEACTIVATE_BATCH, each
 * batch re-checked just before its call, so even the last batch of a large approved plan acts on
 * what Okta and the WFM say now. An id the WFM lists in notDeletedUserIds is that user's failure
 * unless the WFM reads it inactive; a batch call that fails fails its users (but those the WFM reads
 * inactive when the call may have been applied) and the next batch goes on. An error no other user
 * would escape (credentials, configuration) stops the run: what was done before it stays in the
 * outcome, and every user after it fails as not attempted.
 */
export async function recheckAndDeactivate(
  deps: JobDeps,
  runId: string,
  items: readonly SavedPlanItem[],
  opts: ExecuteOptions,
): Promise<ExecuteOutcome> {
  const out: ExecuteOutcome = { confirmed: 0, deactivated: 0, failed: [], kept: [], done: [], users: [] };
  const at = (): string => new Date(deps.now()).toISOString();
  const fail: Fail = async (item, error, reason) => {
    out.failed.push({ oktaId: item.oktaId, userName: item.userName, action: 'deactivate', error });
    opts.log.warn('deactivation failed', { runId, oktaId: item.oktaId, wfmId: item.wfmId, error });
    await deps.audit.append({
      at: at(), runId, action: 'deactivate', oktaId: item.oktaId, userName: item.userName, wfmId: item.wfmId,
      outcome: 'failed', side: 'okta', changes: [], error, ...(reason !== undefined ? { reason } : {}),
    });
  };

  const all = batches(items, deps.config.offboard.batchSize);
  let done = 0;
  const progress = (finished?: true): void => {
    if (!opts.dryRun) deps.onProgress?.({ phase: 'write', done, total: items.length, ...(finished ? { finished } : {}) });
  };
  progress();
  for (const [index, batch] of all.entries()) {
    let stopped: SyncError | undefined;
    const checked = await mapPool(batch, RECHECK_CONCURRENCY, async (item) => {
      if (stopped) return undefined;
      try {
        return await recheck(deps, item);
      } catch (err) {
        if (!stopsRun(err)) throw err;
        stopped ??= err;
        return undefined;
      }
    });
    const confirmed: Checked[] = [];
    const unchecked: SavedPlanItem[] = [];
    for (const [i, item] of batch.entries()) {
      const c = checked[i];
      if (c === undefined) unchecked.push(item);
      else if (c.verdict.verdict === 'deactivate') confirmed.push(c);
      else if (c.verdict.verdict === 'keep') {
        out.kept.push(c.item.oktaId);
        opts.log.info('left alone after re-check', { runId, oktaId: c.item.oktaId, wfmId: c.item.wfmId, reason: c.verdict.reason });
      } else if (!opts.dryRun) await fail(c.item, c.verdict.reason);
      else out.failed.push({ oktaId: c.item.oktaId, userName: c.item.userName, action: 'deactivate', error: c.verdict.reason });
    }
    out.confirmed += confirmed.length;
    if (opts.dryRun && stopped === undefined) {
      for (const { item, verdict } of confirmed) out.users.push({ oktaId: item.oktaId, userName: item.userName, wfmId: item.wfmId, reason: verdict.reason });
    }
    if (stopped !== undefined) unchecked.push(...confirmed.map((c) => c.item));
    else if (!opts.dryRun && confirmed.length > 0) stopped = await deactivateBatch(deps, runId, confirmed, out, fail, opts);
    done += batch.length - unchecked.length;
    if (stopped !== undefined) {
      const left = [...unchecked, ...all.slice(index + 1).flat()];
      const error = notAttempted(describeError(stopped));
      for (const item of left) out.failed.push({ oktaId: item.oktaId, userName: item.userName, action: 'deactivate', error });
      opts.log.warn('the run stopped: the users left were not attempted', { runId, users: left.length, error: describeError(stopped) });
      out.stopped = stopped;
      break;
    }
    progress();
  }
  progress(true);
  return out;
}
