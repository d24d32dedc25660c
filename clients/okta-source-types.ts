// The Okta source's public shapes: its settings, what a pull and a one-user check answer, and the
// source itself (clients/okta.ts builds it).
import type { AppConfig } from '../config/app-config';
import type { LogEvent, UpdatedUser } from '../sync/incremental';
import type { OktaUser, Rejected } from '../sync/types';
import type { GroupIdCache } from './okta-groups';
import type { LogCheckpoint, LogRead } from './okta-log';
import type { OktaProbes } from './okta-probes';
import type { MovedLink, OktaStats, RateHeaders, Reading } from './okta-sdk';
import type { Hold } from './okta-throttle';
import type { RetryPolicy } from './retry';

type Defaulted = 'apiToken' | 'oauth' | 'scopeGroups' | 'ruleGroups' | 'concurrency' | 'rateReservePercent';

export type OktaSourceConfig = Omit<AppConfig['okta'], Defaulted> &
  Partial<Pick<AppConfig['okta'], Defaulted>> &
  Readonly<{
    retry?: Partial<RetryPolicy>;
    onResponse?: (status: number, rate: RateHeaders) => void;
    /** Keeps the ids group names resolve to between runs; without it every pull looks each name up. */
    groupIdCache?: GroupIdCache;
    /** The clock the service app's token is renewed by; Date.now unless given. */
    now?: () => number;
    /** Told of each next link Okta answered on another origin, followed on OKTA_ORG_URL instead. */
    onLinkMoved?: (link: MovedLink) => void;
    /** Told when calls wait 5 s or more for a rate-limit window (once per endpoint family and minute). */
    onHold?: (hold: Hold) => void;
    /** Told every 30 s of a listing still being read (clients/okta-sdk.ts READING_TOLD_MS). */
    onReading?: (reading: Reading) => void;
  }>;

/** `appUsers`: the users the scope listing returned (the app's users, or the OKTA_GROUPS members). */
/** `readOneByOne`: app users listed without their user (or its profile), each read on its own; present only when there are some. */
export type OktaPullCounts = { appUsers: number; inScope: number; outOfScope: number; rejected: number; supervisors: number; readOneByOne?: number };
/**
 * `undocumented`: out-of-scope users by a status Okta does not document (a newer one, or another
 * make's), which OKTA_IN_SCOPE_STATUSES cannot name; present only when there are some.
 */
export type OktaPull = { users: OktaUser[]; rejected: Rejected[]; counts: OktaPullCounts; undocumented?: Record<string, number> };

/** One Okta user read afresh, with whether it is assigned (app, or OKTA_GROUPS) and in scope now. */
export type OktaUserCheck =
  | { found: false; oktaId: string }
  | { found: true; oktaId: string; user: OktaUser; assigned: boolean; inScope: boolean };


export type OktaSource = OktaProbes & {
  /** The users in scope: assigned to the app (directly or through a group), or members of OKTA_GROUPS; with an in-scope status. */
  pullInScope(): Promise<OktaPull>;
  /** Reads one user (by id or login) as it is now: status, mapped groups, assignment. */
  checkUser(idOrLogin: string): Promise<OktaUserCheck>;
  /**
   * Whether Okta has this user (by id or login), asked once and never retried: a quick answer
   * before queueing a resync of it. Any failure other than Okta's "no such user" is thrown.
   */
  userExists(idOrLogin: string): Promise<boolean>;
  /** System Log events (the kinds the incremental sync watches) onwards from a checkpoint. */
  readLog(from: LogCheckpoint): Promise<LogRead>;
  /**
   * The first watched System Log event published in the window (a bounded query, one page) whose
   * uuid is not in `seen`: whether the log holds a change the checkpoint never returned.
   */
  firstUnseenEvent(window: Readonly<{ since: string; until: string }>, seen: ReadonlySet<string>): Promise<LogEvent | undefined>;
  /** Users whose lastUpdated is after the time given (ISO), any status. */
  listUpdatedSince(sinceIso: string): Promise<UpdatedUser[]>;
  /** Ids of the groups assigned to the app; none with OKTA_GROUPS, where the app decides nothing. */
  listAppGroupIds(): Promise<string[]>;
  /** The ids of one group's members; undefined when Okta no longer has the group. */
  groupMemberIds(groupId: string): Promise<string[] | undefined>;
  /** These groups were renamed or deleted: the names that stood for them are looked up again. Answers those names. */
  groupsChanged(groupIds: readonly string[]): Promise<string[]>;
  /** The ids of the groups the settings name (SUPERVISOR_GROUPS, group rules, OKTA_GROUPS), resolved as a pull resolves them. */
  namedGroupIds(): Promise<string[]>;
  /** How far Okta's clock is ahead of this process's (negative: behind), from the last answer's Date header; undefined before any. */
  clockOffsetMs(): number | undefined;
  stats(): OktaStats;
};
