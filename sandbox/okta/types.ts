/** Shared record types of the sandbox Okta: the in-memory shapes, not the wire shapes (see serialize.ts). */

export const USER_STATUSES = [
  'STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED', 'DEPROVISIONED',
] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** Statuses a correct client treats as "in scope" when the user is assigned to the app. */
export const IN_SCOPE_STATUSES: readonly UserStatus[] = ['ACTIVE', 'PROVISIONED', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT'];

export type Profile = Record<string, unknown>;

/** Timestamps are epoch milliseconds; user, group and assignment times are whole seconds, as in Okta. */
export type UserRecord = {
  id: string;
  status: UserStatus;
  created: number;
  activated: number | null;
  statusChanged: number | null;
  lastLogin: number | null;
  lastUpdated: number;
  passwordChanged: number | null;
  /** When the profile itself last changed (drives the app user's lastUpdated). */
  profileUpdated: number;
  typeId: string;
  profile: Profile;
};

export type GroupType = 'OKTA_GROUP' | 'BUILT_IN' | 'APP_GROUP';

export type GroupRecord = {
  id: string;
  type: GroupType;
  name: string;
  description: string | null;
  created: number;
  lastUpdated: number;
  lastMembershipUpdated: number;
  members: Set<string>;
};

export type AppRecord = {
  id: string;
  name: string;
  label: string;
  created: number;
  lastUpdated: number;
};

export type AppUserScope = 'USER' | 'GROUP';

/** An effective app assignment (what GET /apps/{id}/users lists). */
export type AppUserRecord = {
  userId: string;
  /** The app user's own id (0ua...), seen only as the AppUser target of System Log events. */
  appUserId: string;
  scope: AppUserScope;
  /** The group that grants the assignment when scope is GROUP. */
  groupId: string | null;
  created: number;
  lastUpdated: number;
  statusChanged: number;
  externalId: string;
};

export type AppGroupRecord = {
  groupId: string;
  priority: number;
  created: number;
  lastUpdated: number;
};

export type LogActorRecord = { id: string; type: string; alternateId: string; displayName: string };

export type LogTargetRecord = {
  id: string;
  type: string;
  alternateId: string;
  displayName: string;
  detailEntry?: Record<string, unknown>;
};

export type LogSeverity = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export type LogEventRecord = {
  /** Persistence order: the cursor of the System Log. */
  seq: number;
  uuid: string;
  published: number;
  eventType: string;
  legacyEventType?: string;
  displayMessage: string;
  severity: LogSeverity;
  actor: LogActorRecord;
  target: LogTargetRecord[];
  outcome: { result: 'SUCCESS' | 'FAILURE' | 'SKIPPED'; reason?: string };
  transactionId: string;
  debugData: Record<string, unknown>;
};
