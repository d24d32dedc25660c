import type { Logger } from 'winston';
import { SyncError, describeError, isSyncError } from '../clients/errors';
import { requireWfmApi } from '../clients/wfm-api';
import type { SavedPlanItem } from '../store/offboard-plans';
import type { TakeBack } from '../store/recent-deactivations';
import type { RecheckVerdict } from '../sync/offboard-plan';
import type { DeactivationEntry, Failure } from '../sync/report';
import { notAttempted } from './apply-plan';
import type { JobDeps } from './deps';

// One batch of off-boarding's deactivations: the call to the user-management API, each user's
// outcome, and the guards' window kept in step with it.

export type ExecuteOutcome = {
  /** Confirmed by their batch's re-check: to deactivate, or would be in a dry run (a stop leaves the later batches unchecked). */
  confirmed: number;
  deactivated: number;
  failed: Failure[];
  /** Okta ids the re-check found back in scope (or already inactive): left alone. */
  kept: string[];
  /** Okta ids deactivated now. */
  done: string[];
  /** The users deactivated now; in a dry run, those the re-check confirmed. */
  users: DeactivationEntry[];
  /** The failure that stopped the run (credentials, configuration); the users after it were not attempted. */
  stopped?: SyncError;
};

export type ExecuteOptions = {
  dryRun: boolean;
  log: Logger;
  /**
   * Counts a batch's users (their Okta ids) as deactivated just before its call; answers how to take
   * back those the WFM then did not deactivate.
   */
  countAhead?: (oktaIds: readonly string[]) => Promise<TakeBack>;
};

export type Checked = { item: SavedPlanItem; verdict: RecheckVerdict };

/** Stops the whole run on errors no other user would escape (credentials, configuration). */
export const stopsRun = (err: unknown): err is SyncError => isSyncError(err) && (err.kind === 'auth' || err.kind === 'config');

/**
 * Whether the WFM reads the user inactive now (after a deactivation its SCIM resource reads
 * `active: false`). Asked when the answer to a deactivate call does not settle it: an id listed in
 * notDeletedUserIds may have been deactivated by an earlier try whose answer was lost (a WFM may
 * list a user it finds inactive already), and a call that failed on the way back may have been
 * applied. A read that fails settles nothing (undefined).
 */
async function readsInactive(deps: JobDeps, wfmId: string): Promise<boolean | undefined> {
  try {
    return !(await deps.scim.get(wfmId)).active;
  } catch {
    return undefined;
  }
}

/** A failed call the WFM may have applied all the same: no answer in time, or a success answer we cannot read. */
const mayHaveApplied = (err: unknown): boolean =>
  isSyncError(err) && (err.kind === 'transient' || (err.status !== undefined && err.status >= 200 && err.status < 300));

export type Fail = (item: SavedPlanItem, error: string, reason?: string) => Promise<void>;

/**
 * Sends one batch of confirmed users to the deactivate call and records each user's outcome.
 * Answers the error that stops the run, if the call met one (its users then fail with it).
 */
export async function deactivateBatch(
  deps: JobDeps,
  runId: string,
  batch: readonly Checked[],
  out: ExecuteOutcome,
  fail: Fail,
  opts: Pick<ExecuteOptions, 'log' | 'countAhead'>,
): Promise<SyncError | undefined> {
  const { log } = opts;
  const at = (): string => new Date(deps.now()).toISOString();
  // Counted before the call (the guards' window): a crash or a Redis outage after it cannot leave
  // a deactivation uncounted. Those the WFM surely did not deactivate are taken back below; those
  // it may have deactivated stay counted. A count that cannot be recorded stops the run here.
  let takeBack: TakeBack | undefined;
  try {
    takeBack = await opts.countAhead?.(batch.map((c) => c.item.oktaId));
  } catch (err) {
    const stop = new SyncError(`the guards' window (DEACTIVATION_WINDOW) could not be recorded, so nobody more was deactivated: ${describeError(err)}`, { kind: 'transient', service: 'redis' });
    for (const c of batch) out.failed.push({ oktaId: c.item.oktaId, userName: c.item.userName, action: 'deactivate', error: notAttempted(stop.message) });
    return stop;
  }
  const notDone: string[] = [];
  const failBatchUser = async (item: SavedPlanItem, error: string, reason: string | undefined, surelyNotDone: boolean): Promise<void> => {
    if (surelyNotDone) notDone.push(item.oktaId);
    await fail(item, error, reason);
  };
  // Ids compared as a WFM may echo them (an id may be the userName, in another case).
  const idKey = (id: string): string => id.trim().toLowerCase();
  // Which users the answer leaves to settle by reading them back, and why.
  let unsettled: Set<string>;
  let why: 'listed' | 'unlisted' | 'call-failed';
  let callError: unknown;
  try {
    const sent = batch.map((c) => c.item.wfmId);
    const answer = await requireWfmApi(deps.wfmApi).deactivate(sent);
    const sentKeys = new Set(sent.map(idKey));
    // An answer without the list says nothing of who was not deactivated: every user is read back.
    why = answer.listed ? 'listed' : 'unlisted';
    unsettled = new Set(answer.listed ? answer.notDeactivated.map(idKey) : sentKeys);
    const strangers = answer.notDeactivated.filter((id) => !sentKeys.has(idKey(id)));
    // Ids the call did not name say nothing of the users it did; they are shown, not acted on.
    if (strangers.length > 0) log.warn('the WFM listed ids the deactivate call did not send as not deleted; ignored', { runId, count: strangers.length, wfmIds: strangers.slice(0, 20) });
  } catch (err) {
    if (stopsRun(err)) {
      // Refused credentials or configuration: the WFM did not act on the call.
      for (const c of batch) await failBatchUser(c.item, `deactivate call failed: ${describeError(err)}`, c.verdict.reason, true);
      await takeBackSafely(takeBack, notDone, log, runId);
      return err;
    }
    if (batch.length > 1 && refusedRequest(err)) {
      // One user the WFM will not take (locked, unknown) would fail the whole batch on every run:
      // the halves are sent on their own until the refusal is down to its users.
      await takeBackSafely(takeBack, batch.map((c) => c.item.oktaId), log, runId);
      log.info('the WFM refused a batch: its halves are sent on their own', { runId, users: batch.length, error: describeError(err) });
      return splitBatch(deps, runId, batch, out, fail, opts);
    }
    callError = err;
    why = 'call-failed';
    unsettled = new Set(batch.map((c) => idKey(c.item.wfmId)));
  }
  // Once a read fails (the WFM is not answering, each read spending its own retries), the rest of
  // the batch is not read: its users fail and the next run finds them as they are.
  let read = callError === undefined || mayHaveApplied(callError);
  const deactivated: { item: SavedPlanItem; reason: string; note: string | undefined }[] = [];
  for (const c of batch) {
    const { item, verdict } = c;
    let note: string | undefined;
    if (unsettled.has(idKey(item.wfmId))) {
      const inactive = read ? await readsInactive(deps, item.wfmId) : undefined;
      if (inactive === undefined) read = false;
      if (inactive !== true) {
        const error = {
          listed: 'the WFM did not deactivate this user (listed in notDeletedUserIds)',
          unlisted: "the WFM's answer did not list the users it could not deactivate (no notDeletedUserIds), and it does not read this user inactive",
          'call-failed': `deactivate call failed: ${describeError(callError)}`,
        }[why];
        // Surely not deactivated: the WFM reads it active, listed it as not deleted, or refused the call.
        const surelyNotDone = inactive === false || why === 'listed' || (why === 'call-failed' && !mayHaveApplied(callError));
        await failBatchUser(item, error, verdict.reason, surelyNotDone);
        continue;
      }
      note = {
        listed: 'listed in notDeletedUserIds, but the WFM reads it inactive',
        unlisted: "the WFM's answer listed no ids (no notDeletedUserIds); it reads the user inactive",
        'call-failed': 'the deactivate call failed, but the WFM reads it inactive',
      }[why];
    }
    out.deactivated += 1;
    out.done.push(item.oktaId);
    out.users.push({ oktaId: item.oktaId, userName: item.userName, wfmId: item.wfmId, reason: verdict.reason });
    deactivated.push({ item, reason: verdict.reason, note });
  }
  for (const { item, reason, note } of deactivated) {
    log.warn('deactivated', { runId, oktaId: item.oktaId, wfmId: item.wfmId, reason, ...(note !== undefined ? { note } : {}) });
    await deps.audit.append({
      at: at(), runId, action: 'deactivate', oktaId: item.oktaId, userName: item.userName, wfmId: item.wfmId,
      outcome: 'applied', side: 'okta', changes: [{ path: 'active', from: 'true', to: 'false', side: 'okta' }], reason,
      ...(note !== undefined ? { note } : {}),
    });
  }
  await takeBackSafely(takeBack, notDone, log, runId);
  return undefined;
}

/** A 4xx answer to the call itself (not a limit or a timeout): the WFM did not act on it. */
const refusedRequest = (err: unknown): boolean =>
  isSyncError(err) && err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429;

/** The two halves of a refused batch, one after the other; a stop in the first leaves the second not attempted. */
async function splitBatch(deps: JobDeps, runId: string, batch: readonly Checked[], out: ExecuteOutcome, fail: Fail, opts: Pick<ExecuteOptions, 'log' | 'countAhead'>): Promise<SyncError | undefined> {
  const half = Math.ceil(batch.length / 2);
  const [first, second] = [batch.slice(0, half), batch.slice(half)];
  const stop = await deactivateBatch(deps, runId, first, out, fail, opts);
  if (stop === undefined) return deactivateBatch(deps, runId, second, out, fail, opts);
  for (const c of second) out.failed.push({ oktaId: c.item.oktaId, userName: c.item.userName, action: 'deactivate', error: notAttempted(describeError(stop)) });
  return stop;
}

/** A count that cannot be taken back stays: the window then errs on the side of stopping early. */
async function takeBackSafely(takeBack: TakeBack | undefined, oktaIds: readonly string[], log: Logger, runId: string): Promise<void> {
  if (takeBack === undefined || oktaIds.length === 0) return;
  try {
    await takeBack(oktaIds);
  } catch (err) {
    log.warn('the users the WFM did not deactivate still count in DEACTIVATION_WINDOW', { runId, users: oktaIds.length, error: describeError(err) });
  }
}
