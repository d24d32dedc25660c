import { describeError, isSyncError, SyncError } from '../clients/errors';
import type { AuditEntry } from '../store/audit';
import type { OwnedEntry } from '../store/owned-values';
import type { WriteAction } from '../store/run-children';
import { applyAction, type ApplyResult } from '../sync/apply';
import { holdsSent } from '../mappers/scim-merge';
import { carrySides, ownedValuesOf, sideOf } from '../sync/drift';
import { mapPool } from '../sync/pool';
import { emptyApplied, type AppliedCounts, type Failure } from '../sync/report';
import type { Action, Change, ChangeSide, DesiredUser, WfmUser } from '../sync/types';
import { tallyAnswer, tallyChanges, type AnswerTally } from '../sync/kept-answers';
import type { Mapping } from '../config/mapping';
import { readPath } from '../mappers/scim-paths';
import type { ScimPort } from '../sync/ports';
import type { OwnedValues } from '../sync/drift';
import type { JobDeps } from './deps';
import { recordWritten } from './drift';

/**
 * What a run's writes came to. `retries`: the requests the writes sent again, counted per write
 * wherever it ran. `stopped`: the failure that stopped the writes (an auth failure: every other
 * write would fail the same way), after which the rest were not attempted.
 */
export type ApplyOutcome = { applied: AppliedCounts; failed: Failure[]; retries: number; stopped?: SyncError; answers: AnswerTally; changes: AnswerTally };

/**
 * An update the WFM answered with some of the changes it was asked to make left as they were (a
 * WFM that keeps an attribute as created: sync/unchangeable.ts). The rest of the write was
 * applied; the user's write fails, with its result kept for the run's evidence and records.
 */
export class ChangeIgnoredError extends SyncError {
  readonly result: ApplyResult;
  constructor(result: ApplyResult, paths: readonly string[]) {
    const held = paths.map((p) => `${p} (still ${result.ignored?.[p] ?? ''})`).join(', ');
    const them = paths.length === 1 ? 'it' : 'them';
    super(
      `the WFM did not change ${held}: it answered the PUT with the value${paths.length === 1 ? '' : 's'} held before; this WFM may not allow changing ${them} after creation (the rest of the write was applied)`,
      { kind: 'invalid', service: 'wfm-scim' },
    );
    this.name = 'ChangeIgnoredError';
    this.result = result;
  }
}

/** The paths the plan asked a write to change that its answer left as they were. */
export const askedAndIgnored = (action: WriteAction, result: ApplyResult): string[] =>
  plannedChanges(action).map((c) => c.path).filter((p) => result.ignored?.[p] !== undefined);

/**
 * Adds an answered write to the run's tally of changes made and left as they were
 * (sync/unchangeable.ts): `ignored`, the paths its answer left as they were; `wfmId`, its user.
 */
export function tallyAnswered(tally: AnswerTally, action: WriteAction, ignored: readonly string[], wfmId?: string): void {
  tallyChanges(tally, action.desired, plannedChanges(action).map((c) => c.path), ignored, wfmId);
}

/** tallyAnswered for a write carried out in this process. */
export function tallyWrite(tally: AnswerTally, action: WriteAction, result: ApplyResult): void {
  if (result.dropped === undefined) return; // nothing was sent: no answer
  tallyAnswered(tally, action, Object.keys(result.ignored ?? {}), result.wfmId);
}

/** The owned values a write leaves the WFM with: those sent, but the ones it left as they were (`ignored`). */
export const writtenValues = (desired: DesiredUser, mapping: Mapping, ignored?: Readonly<Record<string, string>>): OwnedValues => ({ ...ownedValuesOf(desired, mapping), ...ignored });

/**
 * A failure that stops a run's writes: the credentials are refused, so every write would be. A
 * SCIM 403 during one user's write is not that: RFC 7644 §3.12 answers it per operation (a
 * protected account, a user outside the token's reach), so it fails that user alone; a token that
 * may read but not write then fails each write with the same 403, every one reported.
 */
export const stopsTheRun = (err: unknown): err is SyncError => isSyncError(err) && err.kind === 'auth' && !(err.service === 'wfm-scim' && err.status === 403);

/** The failure entry of a write not attempted because the run stopped. */
export const notAttempted = (reason: string): string => `not attempted: the run stopped (${reason})`;

export const isWrite = (a: Action): a is WriteAction => a.type === 'create' || a.type === 'update' || a.type === 'reactivate';

/**
 * How long a WFM user as the plan read it (a listing page, a lookup) may be merged into for an
 * update without a version to send as If-Match. A run's writes can go on for hours under the rate
 * limit; an update later than this reads the user again, so an edit a WFM admin made meanwhile in
 * an attribute we do not own is kept.
 */
export const LISTED_COPY_FRESH_MS = 60_000;

/** Whether an update must read its user again first: no version to guard the merge, and not read within LISTED_COPY_FRESH_MS. */
export const copyTooOld = (u: WfmUser, now: number): boolean => u.version === undefined && (u.readAt === undefined || now - u.readAt > LISTED_COPY_FRESH_MS);

/** Whether this process warned already that a listed copy lacked what the user read alone held. */
let unlistedTold = false;

/**
 * A user read again before its update held attributes its listed copy lacked: the WFM's listing
 * may leave them out, and updates merged into listed copies would drop them. Warned once a process.
 */
function tellUnlisted(deps: JobDeps, wfmId: string, unlisted: readonly string[]): void {
  if (unlistedTold) return;
  unlistedTold = true;
  deps.logger.warn(
    "a WFM user read again before its update held attributes its listed copy lacked: if the WFM's listing leaves them out (`okta-wfm-sync check` tells), set WFM_READ_BEFORE_UPDATE=always, or updates merged into listed copies drop them",
    { wfmId, attributes: unlisted.slice(0, 10) },
  );
}

/**
 * Carries out one write: the same function in-process and in a queued write job. Throws on
 * failure. `onRetry` is told of each request the write sends again.
 */
export async function executeWrite(deps: JobDeps, action: WriteAction, onRetry?: () => void): Promise<ApplyResult> {
  const wfmApi = onRetry ? deps.wfmApi?.counting(onRetry) : deps.wfmApi;
  const ports = { scim: onRetry ? deps.scim.counting(onRetry) : deps.scim, ...(wfmApi ? { wfmApi } : {}) };
  const always = deps.config.wfm.readBeforeUpdate === 'always';
  const result = await applyAction(action, { ...ports, mapping: deps.config.mapping, readAgain: (u) => always || copyTooOld(u, deps.now()) });
  if (result.unlisted !== undefined && !always) tellUnlisted(deps, result.wfmId, result.unlisted);
  if (askedAndIgnored(action, result).length === 0) return result;
  const confirmed = await readAgainIgnored(ports.scim, deps.config.mapping, action.desired, result);
  const ignored = askedAndIgnored(action, confirmed);
  if (ignored.length > 0) throw new ChangeIgnoredError(confirmed, ignored);
  return confirmed;
}

/**
 * An answer that left asked changes as they were is read again (one GET) before the write counts
 * as failed: a WFM may answer with a stale copy. What the read holds as sent was changed; a read
 * that fails leaves the answer's word.
 */
async function readAgainIgnored(scim: ScimPort, mapping: Mapping, desired: DesiredUser, result: ApplyResult): Promise<ApplyResult> {
  let user: WfmUser;
  try {
    user = await scim.get(result.wfmId);
  } catch {
    return result;
  }
  const still = Object.entries(result.ignored ?? {}).filter(([path]) => !holdsSent(path, readPath(user.raw, path, mapping.customSchema, desired.attrs[path]), desired.attrs[path]));
  const { ignored: _was, ...rest } = result;
  return still.length > 0 ? { ...rest, ignored: Object.fromEntries(still) } : rest;
}

const plannedChanges = (action: WriteAction) => (action.type === 'create' ? [] : action.changes);

/** The side that moved a write's user: a create is new in Okta; an update has the sides of its changes. */
const sideOfWrite = (action: WriteAction, changes: readonly Change[]): ChangeSide => (action.type === 'create' ? 'okta' : (sideOf(changes) ?? 'unknown'));

/** What an applied write leaves: its audit entry and the owned values it wrote (for drift). */
export type AppliedRecords = { audit: AuditEntry; owned: OwnedEntry };

/** Logs an applied write; answers what to record of it. */
export function describeApplied(deps: JobDeps, runId: string, action: WriteAction, result: ApplyResult): AppliedRecords {
  const planned = plannedChanges(action);
  // Sent again with the write, a value the WFM held in its own form and holds in it again was not
  // changed by it (the plan left it out: sync/stored-forms.ts).
  const heldInForm = (c: Change): boolean => {
    const form = result.forms?.[c.path];
    return form !== undefined && holdsSent(c.path, c.from, form);
  };
  const made = result.changes.filter((c) => planned.some((p) => p.path === c.path) || !heldInForm(c));
  const changes = carrySides(made.length > 0 || action.type === 'create' ? made : planned, planned);
  const side = sideOfWrite(action, changes);
  // A revive brings someone back into the WFM: warn, like a deactivation, with its reason. Other
  // writes are in the audit stream already; a log line each at info would swamp a 100k-user run.
  const level = result.appliedAs === 'reactivate' ? 'warn' : 'debug';
  if (deps.logger.isLevelEnabled(level)) {
    deps.logger.log(level, 'applied', { runId, action: result.appliedAs, oktaId: action.oktaId, wfmId: result.wfmId, fields: changes.map((c) => c.path), side, note: result.note, reason: action.reason });
  }
  const audit: AuditEntry = {
    at: new Date(deps.now()).toISOString(),
    runId,
    action: result.appliedAs,
    oktaId: action.oktaId,
    userName: action.userName,
    wfmId: result.wfmId,
    outcome: 'applied',
    side,
    changes,
    ...(result.note !== undefined ? { note: result.note } : {}),
    reason: action.reason,
  };
  return { audit, owned: ownedAfter(deps, action, result) };
}

/** The owned values a write leaves the WFM with, for drift: those sent, but the ones it left as they were, and the forms it holds. */
export const ownedAfter = (deps: JobDeps, action: WriteAction, result: ApplyResult): OwnedEntry => ({
  oktaId: action.oktaId,
  values: writtenValues(action.desired, deps.config.mapping, result.ignored),
  ...(result.forms ? { forms: result.forms } : {}),
});

/** Logs and audits an applied write, and remembers the owned values it wrote (for drift). */
export async function recordApplied(deps: JobDeps, runId: string, action: WriteAction, result: ApplyResult): Promise<void> {
  const { audit } = describeApplied(deps, runId, action, result);
  await recordWritten(deps, action.desired, result.forms, result.ignored);
  await deps.audit.append(audit);
}

/** Logs a write that failed for good; answers the report's failure entry and its audit entry. */
export function describeFailed(deps: JobDeps, runId: string, action: WriteAction, err: unknown): { failure: Failure; audit: AuditEntry } {
  const error = describeError(err);
  const wfmId = action.type === 'create' ? '' : action.wfmId;
  deps.logger.warn('write failed', { runId, action: action.type, oktaId: action.oktaId, wfmId, kind: isSyncError(err) ? err.kind : 'unexpected', error });
  // The changes it tried to make: none of them was applied.
  const changes = plannedChanges(action);
  const side = sideOfWrite(action, changes);
  const audit: AuditEntry = { at: new Date(deps.now()).toISOString(), runId, action: action.type, oktaId: action.oktaId, userName: action.userName, wfmId, outcome: 'failed', side, changes, error };
  return { failure: { oktaId: action.oktaId, userName: action.userName, action: action.type, error, ...(isSyncError(err) ? { kind: err.kind } : {}) }, audit };
}

/** Logs and audits a write that failed for good; answers the report's failure entry. */
export async function recordFailed(deps: JobDeps, runId: string, action: WriteAction, err: unknown): Promise<Failure> {
  const { failure, audit } = describeFailed(deps, runId, action, err);
  // The rest of such a write was applied: what the WFM holds now is recorded, as for an applied one.
  if (err instanceof ChangeIgnoredError) await recordWritten(deps, action.desired, err.result.forms, err.result.ignored);
  await deps.audit.append(audit);
  return failure;
}

/**
 * Applies every write of a plan in this process with bounded concurrency. One user's failure is
 * recorded (report and audit) and the others go on.
 */
export async function applyPlan(deps: JobDeps, runId: string, actions: readonly Action[]): Promise<ApplyOutcome> {
  const applied = emptyApplied();
  const failed: Failure[] = [];
  const writes = actions.filter(isWrite);
  let done = 0;
  let retries = 0;
  let stopped: SyncError | undefined;
  const answers: AnswerTally = {};
  const changes: AnswerTally = {};
  deps.onProgress?.({ phase: 'write', done, total: writes.length });
  await mapPool(writes, deps.config.wfm.concurrency, async (action) => {
    if (stopped) {
      failed.push({ oktaId: action.oktaId, userName: action.userName, action: action.type, error: notAttempted(stopped.message) });
    } else {
      try {
        const result = await executeWrite(deps, action, () => (retries += 1));
        applied[result.appliedAs] += 1;
        if (result.dropped) tallyAnswer(answers, action.desired, deps.config.mapping, result.dropped, result.wfmId);
        tallyWrite(changes, action, result);
        await recordApplied(deps, runId, action, result);
      } catch (err) {
        if (err instanceof ChangeIgnoredError) tallyWrite(changes, action, err.result);
        failed.push(await recordFailed(deps, runId, action, err));
        if (stopsTheRun(err)) stopped ??= err;
      }
    }
    done += 1;
    deps.onProgress?.({ phase: 'write', done, total: writes.length });
  });
  deps.onProgress?.({ phase: 'write', done, total: writes.length, finished: true });
  return { applied, failed, retries, answers, changes, ...(stopped ? { stopped } : {}) };
}
