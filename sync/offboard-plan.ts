import { OKTA_USER_STATUSES } from '../config/settings';
import type { WfmUser } from './types';

/**
 * Okta user ids are 20 characters: `00u` and 17 letters or digits. Such an externalId links a WFM
 * user to Okta (and, for an org whose ids have another form, one of that form: linkedIdTest);
 * anything else (empty, an HR number a WFM admin typed) leaves it unmanaged, so a lookup of it can
 * never come back "not found" and deactivate someone who was never ours.
 */
const OKTA_USER_ID = /^00u[A-Za-z0-9]{17}$/;

export const isOktaUserId = (value: string | undefined): value is string => value !== undefined && OKTA_USER_ID.test(value);

/** An id's form: each letter or digit as `x`, anything else kept (a UUID is `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`). */
const formOf = (id: string): string => id.replace(/[A-Za-z0-9]/g, 'x');

/** Letters and digits an id form needs before it is taken as the org's own: no HR number or login is that long and plain. */
const MIN_ID_LETTERS = 16;

/**
 * Which externalIds link a WFM user to this Okta org. Okta's own user ids (`00u` and 17 letters or
 * digits) always do. The Management API only says an id is a string, so a service that serves the
 * same API with ids of another form would leave every linked user unmanaged and off-boarding would
 * never see a leaver: when none of the org's users (the pull's ids) has Okta's form and all of them
 * share one other form, at least MIN_ID_LETTERS letters and digits long, ids of that form link too.
 * A mix of forms, or a short or unusual one, teaches nothing: only Okta's form is taken.
 */
export function linkedIdTest(orgUserIds: Iterable<string>): (value: string | undefined) => value is string {
  const forms = new Set<string>();
  for (const id of orgUserIds) {
    if (isOktaUserId(id)) return isOktaUserId;
    forms.add(formOf(id));
    if (forms.size > 1) return isOktaUserId;
  }
  const [form] = forms;
  if (form === undefined || form.replace(/[^x]/g, '').length < MIN_ID_LETTERS) return isOktaUserId;
  return (value: string | undefined): value is string => isOktaUserId(value) || (value !== undefined && formOf(value) === form);
}

/** Which externalIds link a WFM user to this org: linkedIdTest, and any id in scope now or seen in scope by this deployment. */
export function orgIdTest(inScopeIds: ReadonlySet<string>, seenIds: ReadonlySet<string> = new Set()): (value: string | undefined) => value is string {
  const learned = linkedIdTest(inScopeIds);
  return (value: string | undefined): value is string => learned(value) || (value !== undefined && (inScopeIds.has(value) || seenIds.has(value)));
}

/** A managed active WFM user whose Okta user is out of scope, and since when we know it. */
export type OffboardCandidate = Readonly<{ wfmId: string; oktaId: string; userName: string; outSince: number }>;

export type OffboardInput = Readonly<{
  wfmUsers: readonly WfmUser[];
  /** Okta ids of the users in scope now (including ones the pull could not map: they are not known to be out). */
  inScopeIds: ReadonlySet<string>;
  /** Okta id -> when it was first seen out of scope (epoch ms), as kept from earlier runs. */
  outSince: ReadonlyMap<string, number>;
  now: number;
  graceMs: number;
  /**
   * Ids, of whatever form, that this deployment saw in scope in this Okta (store/seen-in-scope.ts):
   * they link their WFM users as the ids in scope now do, where linkedIdTest learns no form (short
   * ids, or ids of several forms).
   */
  seenIds?: ReadonlySet<string>;
}>;

export type OffboardPlan = Readonly<{
  /** Out of scope for at least the grace period: to re-check and deactivate. */
  candidates: OffboardCandidate[];
  /** Out of scope, but for less than the grace period: left alone this run. */
  waiting: OffboardCandidate[];
  /** Active WFM users linked to an Okta user: the base of the percentage guard. */
  managedActive: number;
  /** WFM users with no Okta link: never touched. */
  unmanaged: number;
  /** Okta ids seen out of scope for the first time now: remember `now` for them. */
  mark: string[];
  /** Okta ids remembered as out of scope that no longer are (back in scope, or no longer active in the WFM). */
  clear: string[];
}>;

/**
 * Decides, from a complete Okta pull and the WFM users as read, who off-boarding should deactivate.
 * A WFM user is a candidate when it is active, linked to an Okta id, that id is not in scope, and
 * it has been out of scope for at least the grace period. Pure: time comes in as `now`.
 */
export function planOffboard(input: OffboardInput): OffboardPlan {
  const candidates: OffboardCandidate[] = [];
  const waiting: OffboardCandidate[] = [];
  const mark = new Set<string>();
  const stillOut = new Set<string>();
  let managedActive = 0;
  let unmanaged = 0;
  const isLinked = orgIdTest(input.inScopeIds, input.seenIds);
  for (const u of input.wfmUsers) {
    if (!isLinked(u.externalId)) {
      unmanaged += 1;
      continue;
    }
    if (!u.active) continue;
    managedActive += 1;
    const oktaId = u.externalId;
    if (input.inScopeIds.has(oktaId)) continue;
    stillOut.add(oktaId);
    const known = input.outSince.get(oktaId);
    if (known === undefined) mark.add(oktaId);
    const outSince = known ?? input.now;
    const candidate: OffboardCandidate = { wfmId: u.id, oktaId, userName: u.userName, outSince };
    if (input.now - outSince >= input.graceMs) candidates.push(candidate);
    else waiting.push(candidate);
  }
  const clear = [...input.outSince.keys()].filter((id) => !stillOut.has(id));
  return { candidates, waiting, managedActive, unmanaged, mark: [...mark], clear };
}

/** One Okta user read afresh just before acting (the shape of OktaSource.checkUser's answer). */
export type OktaRecheck =
  | Readonly<{ found: false }>
  | Readonly<{ found: true; oktaId: string; status: string; assigned: boolean; inScope: boolean }>;

/** What a re-check says about one candidate. */
export type RecheckVerdict =
  | Readonly<{ verdict: 'deactivate'; reason: string }>
  | Readonly<{ verdict: 'keep'; reason: string }>
  | Readonly<{ verdict: 'refuse'; reason: string }>;

/**
 * Whether a candidate is still to be deactivated, judged on its Okta user as read just now. A stale
 * list never deactivates anyone: a user back in scope is kept, and an answer about another user
 * (an id that resolved to someone else) is refused, and so is an assigned user whose status Okta
 * does not document.
 */
export function judgeRecheck(oktaId: string, check: OktaRecheck, opts: { seenInScope?: boolean } = {}): RecheckVerdict {
  if (!check.found) {
    // An id of another form than Okta's 00u one that the service does not know may be another
    // system's key, never ours, unless this deployment saw it in scope in this Okta (`seenInScope`):
    // only such an id is taken for deleted. An admin deactivates the rest by hand.
    if (!isOktaUserId(oktaId) && opts.seenInScope !== true) {
      return { verdict: 'refuse', reason: 'not found in Okta, and its id is not of Okta\'s 00u form, so it may never have been an Okta link: not deactivated' };
    }
    return { verdict: 'deactivate', reason: 'deleted in Okta' };
  }
  if (check.oktaId !== oktaId) return { verdict: 'refuse', reason: `Okta answered for another user (${check.oktaId}): not touched` };
  if (check.inScope) return { verdict: 'keep', reason: 'back in scope in Okta' };
  if (check.status === 'SUSPENDED' || check.status === 'DEPROVISIONED') return { verdict: 'deactivate', reason: `${check.status} in Okta` };
  if (!check.assigned) return { verdict: 'deactivate', reason: 'no longer assigned to the Okta app' };
  if (!OKTA_USER_STATUSES.includes(check.status)) {
    // A status Okta does not document (a newer one, or another make's) says nothing about whether
    // the person left: an admin decides, so it is reported and nobody is deactivated for it.
    return { verdict: 'refuse', reason: `status ${check.status} in Okta is not one Okta documents: not deactivated` };
  }
  return { verdict: 'deactivate', reason: `status ${check.status} in Okta is out of scope` };
}

/** Splits ids into batches of at most `size`, in order. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) out.push(items.slice(i, i + Math.max(1, size)));
  return out;
}
