import type { Logger } from 'winston';
import { SyncError, describeError, externalIdFilterRefused, isSyncError } from '../clients/errors';
import type { OktaUserCheck } from '../clients/okta';
import { assertOrgOrigin } from '../clients/okta-executor';
import { isRefusal } from '../clients/okta-log';
import { leaversStay, offboardingOff } from '../config/offboarding';
import { changedGroupIds, reassignedGroupIds, touchedUsers, unnamedGroupIds, type LogEvent, type UpdatedUser } from '../sync/incremental';
import { checkpointProbe, freshEvents, freshUpdates, updatedSince, type IncrementalCursor } from '../sync/incremental-cursor';
import { mapPool } from '../sync/pool';
import type { OktaUser, Rejected } from '../sync/types';
import { createSeenInScope } from '../store/seen-in-scope';
import type { JobDeps } from './deps';

/** What a run read from Okta: the cursor moves past it once the run's writes are done. */
/** `unreadable`: System Log events of a watched type the run could not read (no uuid, type or target id). */
/** `baselineAt`: set when the stored checkpoint could not be used and the run reads every in-scope user instead: when that began. */
/** `warning`: why the stored checkpoint could not be used, for the run report. */
export type ChangeRead = { logNext: string | undefined; events: LogEvent[]; updated: UpdatedUser[]; unreadable: number; baselineAt?: string; warning?: string };
export type IncrementalPull = { users: OktaUser[]; rejected: Rejected[]; counts: Record<string, number>; read: ChangeRead };

type Checked = { ref: string; check: OktaUserCheck } | { ref: string; error: string; failure: SyncError };

/** Kinds of failure that are the whole run's, whoever they came with: credentials, settings. */
const RUN_WIDE: readonly string[] = ['auth', 'config'];

/**
 * One user Okta could not serve never stops the run: a bad record, or a read still failing after
 * its retries (a 5xx or a timeout on that user alone) is that user's failure, read again by the next
 * run. A refused token or a setting is the run's.
 */
async function checkOne(deps: JobDeps, ref: string): Promise<Checked> {
  try {
    return { ref, check: await deps.okta.checkUser(ref) };
  } catch (err) {
    if (isSyncError(err) && !RUN_WIDE.includes(err.kind)) return { ref, error: describeError(err), failure: err };
    throw err;
  }
}

/** At least this many users, and more than half of those touched, failing to read is Okta failing, not them: the run stops. */
const OKTA_FAILING_MIN = 3;

/** The first read failure, when so many failed that Okta itself is failing (bad records aside). */
function oktaFailing(checked: readonly Checked[]): SyncError | undefined {
  const failures = checked.flatMap((c) => ('failure' in c && c.failure.kind !== 'invalid' ? [c.failure] : []));
  return failures.length >= OKTA_FAILING_MIN && failures.length * 2 > checked.length ? failures[0] : undefined;
}

/** What changed since the cursor: the users touched, and what was read to find them. */
export type Changes = { touched: string[]; read: ChangeRead };

/** Why a stored System Log checkpoint cannot be followed from OKTA_ORG_URL (another origin), if it cannot. */
function offOrigin(logNext: string | undefined, orgUrl: string): string | undefined {
  try {
    assertOrgOrigin(logNext, orgUrl);
    return undefined;
  } catch (err) {
    return describeError(err);
  }
}

/** A clock apart by less than this (the Date header is to the second) is taken as the same. */
const CLOCK_TOLERANCE_MS = 5000;

/**
 * A moment of this process's clock as Okta's clock had it, when Okta's is behind by more than
 * CLOCK_TOLERANCE_MS (warned): changes are read from Okta's times (lastUpdated, the log's), and a
 * start taken from a clock ahead of Okta's would leave the changes of that gap unread.
 */
export function byOktaClock(deps: JobDeps, at: number, log: Logger): number {
  const okta = oktaTime(deps, at);
  if (okta !== at) log.warn("Okta's clock is behind this worker's: the incremental sync reads from then by Okta's clock", { behindMs: at - okta });
  return okta;
}

/** A moment of this process's clock as Okta's clock had it, when Okta's is behind by more than CLOCK_TOLERANCE_MS (not warned). */
export function oktaTime(deps: JobDeps, at: number): number {
  const behind = Math.min(0, deps.okta.clockOffsetMs() ?? 0);
  return behind >= -CLOCK_TOLERANCE_MS ? at : at + behind;
}

/**
 * A stored checkpoint Okta refuses, or one on another origin than OKTA_ORG_URL (the setting was
 * changed, e.g. to a custom domain), would fail every run the same way: the run reads every
 * in-scope user instead, as a full sync does, and the cursor starts over from now.
 */
function startOver(deps: JobDeps, reason: string): Changes {
  deps.logger.warn('System Log checkpoint unusable: reading every in-scope user instead, and the cursor starts over', { reason });
  const warning = `System Log checkpoint unusable (${reason}): every in-scope user was read instead, and the cursor starts over`;
  return { touched: [], read: { logNext: undefined, events: [], updated: [], unreadable: 0, baselineAt: new Date(byOktaClock(deps, deps.now(), deps.logger)).toISOString(), warning } };
}

/**
 * Why the stored checkpoint is stuck, if it is: it returned no new event, while Okta's System Log
 * holds a watched one, published after the newest the reads ever returned and long enough ago to
 * be there (sync/incremental-cursor.ts, checkpointProbe). Such a checkpoint points where the log no
 * longer goes (an Okta reseeded or restored under this Redis) and would miss every change. One
 * bounded read of the log, asked only when the checkpoint brought nothing new.
 */
async function stuckCheckpoint(deps: JobDeps, cursor: IncrementalCursor, events: readonly LogEvent[]): Promise<string | undefined> {
  const window = checkpointProbe(cursor, freshEvents(events, cursor.seenUuids).length, oktaTime(deps, deps.now()));
  if (window === undefined) return undefined;
  let missed: LogEvent | undefined;
  try {
    missed = await deps.okta.firstUnseenEvent(window, new Set(cursor.seenUuids));
  } catch (err) {
    // A service that will not answer the bounded read cannot tell: the checkpoint is followed as before.
    if (!isRefusal(err)) throw err;
    deps.logger.debug('System Log not read by time: the checkpoint is followed without the check', { reason: describeError(err) });
    return undefined;
  }
  if (missed === undefined) return undefined;
  return `it returned no event published after ${cursor.logEventAt ?? ''}, and Okta's log holds ${missed.eventType} event ${missed.uuid} published at ${missed.published}: it points where the log no longer goes (an Okta reseeded or restored under this Redis?)`;
}

/**
 * The app's groups, by id; `all` when Okta refuses to list them (a service without the route):
 * the users of every membership change are then read again, each read deciding its assignment,
 * where failing would stop every incremental run from then on.
 */
async function appGroupsOrAll(deps: JobDeps): Promise<ReadonlySet<string> | 'all'> {
  try {
    return new Set(await deps.okta.listAppGroupIds());
  } catch (err) {
    if (!isRefusal(err)) throw err;
    deps.logger.warn("Okta did not list the app's groups: the users of every group membership change are read again", { reason: describeError(err) });
    return 'all';
  }
}

/**
 * The members of the groups assigned to the app or unassigned from it: each is read again, and
 * its read decides. A group deleted since has no members to list; the users it held in scope are
 * off-boarding's to find (it reads every user), as for a group deleted outright.
 */
async function membersOfReassigned(deps: JobDeps, groupIds: readonly string[]): Promise<string[]> {
  const members: string[] = [];
  for (const groupId of groupIds) {
    const ids = await deps.okta.groupMemberIds(groupId);
    if (ids === undefined) deps.logger.warn("a group assigned to the app or unassigned from it is gone from Okta: its members are not read again (off-boarding's full read finds those who left)", { groupId });
    else members.push(...ids);
  }
  return members;
}

/** The users the changes touch: from the System Log, from `lastUpdated`, and the last run's failed writes. */
export async function readChanges(deps: JobDeps, cursor: IncrementalCursor): Promise<Changes> {
  const { okta, config } = deps;
  const foreign = offOrigin(cursor.logNext, config.okta.orgUrl);
  if (foreign !== undefined) return startOver(deps, foreign);
  const log = await okta.readLog({ since: cursor.logSince, ...(cursor.logNext !== undefined ? { nextUri: cursor.logNext } : {}) });
  if (log.checkpointRefused !== undefined) return startOver(deps, log.checkpointRefused);
  const stuck = await stuckCheckpoint(deps, cursor, log.events);
  if (stuck !== undefined) return startOver(deps, stuck);
  const updated = await okta.listUpdatedSince(updatedSince(cursor));
  const events = freshEvents(log.events, cursor.seenUuids);
  const appScope = config.okta.scopeGroups.length === 0;
  const groupNames = new Set([...config.okta.supervisorGroups, ...config.okta.ruleGroups, ...config.okta.scopeGroups]);
  // A membership change on a group not known by its name or id here (its target may carry only the
  // id) is matched against the ids the named groups stand for (cached by the full sync); then, for
  // the app's scope, against the app's group list.
  if (unnamedGroupIds(events, groupNames).length > 0) for (const id of await okta.namedGroupIds()) groupNames.add(id);
  const unnamed = appScope ? unnamedGroupIds(events, groupNames) : [];
  const appGroupIds = unnamed.length > 0 ? await appGroupsOrAll(deps) : new Set<string>();
  const fromLog = touchedUsers(events, { ...(appScope ? { appId: config.okta.appId } : {}), groupNames, appGroupIds });
  const reassigned = await membersOfReassigned(deps, reassignedGroupIds(events, appScope ? config.okta.appId : undefined));
  const touched = [...new Set([...cursor.retry, ...fromLog, ...reassigned, ...freshUpdates(updated, cursor.recent)])];
  const renamedOrDeleted = changedGroupIds(log.events);
  if (renamedOrDeleted.length > 0) {
    const names = await okta.groupsChanged(renamedOrDeleted);
    if (names.length > 0) {
      // A group the settings name that Okta no longer has by that name would judge its members
      // without it (a supervisor made an agent): the run stops, as a full sync does, naming it.
      const scope = appScope ? undefined : await okta.probeScope();
      const found = [...(await okta.probeGroups()), ...(scope?.scope === 'groups' ? scope.groups : [])];
      const problems = found.flatMap((g) => ('problem' in g ? [g.problem] : []));
      if (problems.length > 0) {
        throw new SyncError(`${problems.join('; ')} (renamed or deleted in Okta): nothing was written; name the group as Okta has it now, or by its id`, { kind: 'config', service: 'okta' });
      }
      deps.logger.info('groups renamed or deleted in Okta: their names were looked up again', { groups: names });
    }
  }
  if (log.unreadable > 0) {
    deps.logger.warn('System Log events the incremental sync could not read: their users are caught by the next full sync', { events: log.unreadable });
  }
  return { touched, read: { logNext: log.nextUri, events: log.events, updated, unreadable: log.unreadable } };
}

/**
 * Whether a user who left scope may still have an active WFM user. A WFM that does not filter by
 * externalId cannot say: the user is handed to off-boarding all the same, which reads the whole
 * listing and re-checks every user itself before it deactivates anything.
 */
async function mayBeActiveInWfm(deps: JobDeps, oktaId: string): Promise<boolean> {
  try {
    return (await deps.scim.findByExternalId(oktaId)).some((u) => u.active);
  } catch (err) {
    if (externalIdFilterRefused(err)) return true;
    throw err;
  }
}

/** Hands changed users who left scope, with an active WFM counterpart, to off-boarding (which re-checks and guards); a dry run only says how many. */
export async function handToOffboarding(deps: JobDeps, oktaIds: readonly string[], dryRun: boolean): Promise<void> {
  if (oktaIds.length === 0) return;
  const stay = leaversStay(deps.config.wfm);
  if (stay !== undefined) {
    deps.logger.warn(stay, { users: oktaIds.length });
    return;
  }
  if (dryRun) deps.logger.info('dry run: users who left scope not handed to off-boarding', { users: oktaIds.length });
  else await deps.requestOffboard('left scope in Okta (incremental sync)', oktaIds);
}

/**
 * Re-reads only the touched users in Okta. Those in scope go on to the plan; those who left scope
 * and still have an active WFM counterpart are handed to off-boarding (which re-checks and guards).
 */
export async function pullChanges(deps: JobDeps, changes: Changes, dryRun: boolean): Promise<IncrementalPull> {
  const { touched, read } = changes;
  const checked = await mapPool(touched, deps.config.okta.concurrency, (ref) => checkOne(deps, ref));
  const failing = oktaFailing(checked);
  if (failing) throw failing;
  const users = new Map<string, OktaUser>();
  const leavers = new Set<string>();
  const rejected: Rejected[] = [];
  for (const c of checked) {
    // A bad record is the user's until Okta's data changes (which touches it again); any other failure is read again next run.
    if ('error' in c) rejected.push({ oktaId: c.ref, userName: '', reason: c.error, ...(c.failure.kind === 'invalid' ? {} : { action: 'read', kind: c.failure.kind }) });
    else if (c.check.found && c.check.inScope) users.set(c.check.oktaId, c.check.user);
    else leavers.add(c.check.oktaId);
  }
  const seenInScope = createSeenInScope(deps.redis, deps.config.redis.prefix);
  if (!dryRun) await seenInScope.add([...users.keys()]);
  // Users changed anywhere in the org who were never in scope here are not off-boarding's to
  // deactivate (it counts them unmanaged): they are neither looked up nor handed over.
  const seen = leavers.size > 0 ? await seenInScope.seen([...leavers]) : new Set<string>();
  // With off-boarding off (no user-management API, or WFM_READ_MODE=lookup) there is none to hand them to: none is looked up.
  const offboarding = offboardingOff(deps.config.wfm) === undefined;
  const linked = offboarding ? await mapPool([...seen], deps.config.wfm.concurrency, async (oktaId) => ((await mayBeActiveInWfm(deps, oktaId)) ? oktaId : undefined)) : [...seen];
  const handOver = linked.filter((id): id is string => id !== undefined);
  await handToOffboarding(deps, handOver, dryRun);
  const counts = {
    events: read.events.length,
    unreadableEvents: read.unreadable,
    changedUsers: read.updated.length,
    touched: touched.length,
    inScope: users.size,
    leftScope: leavers.size,
    handedToOffboarding: dryRun || !offboarding ? 0 : handOver.length,
    rejected: rejected.length,
  };
  return { users: [...users.values()], rejected, counts, read };
}
