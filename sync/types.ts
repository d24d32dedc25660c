/** The domain types shared by the pure core, the clients and the jobs. */

/** One Okta user as the source client hands it over: plain data, dates as strings. */
export type OktaUser = Readonly<{
  id: string;
  status: string;
  profile: Readonly<Record<string, unknown>>;
  /** The entries of SUPERVISOR_GROUPS and groupRules (group names or ids, as configured) whose groups the user belongs to. */
  groups: readonly string[];
}>;

/** What the WFM user should look like: owned attribute paths to values (absent = not set). */
export type DesiredUser = Readonly<{
  oktaId: string;
  userName: string;
  attrs: Readonly<Record<string, string | undefined>>;
}>;

/** A SCIM User resource as read from or sent to the WFM. */
export type ScimResource = Record<string, unknown>;

/** A WFM user as read, with the fields matching needs pulled out. */
export type WfmUser = Readonly<{
  id: string;
  userName: string;
  externalId: string | undefined;
  active: boolean;
  version: string | undefined;
  /**
   * meta.version where it differs from the ETag header `version` came from: sent as If-Match
   * instead when the header's tag is refused again on a fresh copy (a web framework's own ETag
   * that the server does not compare).
   */
  otherVersion?: string;
  /** When it was read from the WFM (epoch ms): an update trusts a copy without a version only while it is fresh (apply.ts). */
  readAt?: number;
  /** The resource as read, with the attributes the sync knows spelled in canonical case (mappers/scim-canonical.ts). */
  raw: Readonly<ScimResource>;
}>;

/**
 * Which side moved an owned attribute away from the value we last wrote or confirmed: Okta (the
 * source changed), the WFM (someone edited it there: drift), both, or unknown (no record of what
 * we last wrote, e.g. a user linked for the first time).
 */
export type ChangeSide = 'okta' | 'wfm' | 'both' | 'unknown';

/** One owned attribute that differs: `from` is the WFM value, `to` what Okta maps to. */
export type Change = Readonly<{ path: string; from: string | undefined; to: string | undefined; side?: ChangeSide }>;

export type ActionType = 'create' | 'update' | 'reactivate' | 'deactivate' | 'noop' | 'conflict';

/** Per owned path, the value as the WFM stores it, where that differs from the value sent (sync/stored-forms.ts). */
export type StoredForms = Readonly<Record<string, string>>;

/** Per owned path, a form the WFM stored and the value sent that it stored so. */
export type KnownForms = Readonly<Record<string, Readonly<{ sent: string; form: string }>>>;

/**
 * Per multi-valued owned path (`emails.work`), the value we last wrote there where Okta has moved on
 * from it: it tells our entry from others of the same type an admin added (sync/last-sent.ts).
 */
export type LastSent = Readonly<Record<string, string>>;

export type CreateAction = Readonly<{ type: 'create'; oktaId: string; userName: string; desired: DesiredUser; reason: string }>;
export type UpdateAction = Readonly<{
  type: 'update' | 'reactivate';
  oktaId: string;
  userName: string;
  wfmId: string;
  /** True when this update sets externalId on a user matched by userName. */
  link: boolean;
  changes: readonly Change[];
  desired: DesiredUser;
  current: WfmUser;
  reason: string;
  /** Values left out of the changes because the WFM holds them in a form of its own (sync/stored-forms.ts): kept if the update comes to nothing. */
  forms?: StoredForms;
  /** The forms the WFM held this user's values in, as last recorded, each with the value it stood for: a write whose answer still holds one keeps it (sync/kept-answers.ts). */
  knownForms?: KnownForms;
  /** Our entries among several of one type, by the value we last wrote (sync/last-sent.ts). */
  lastSent?: LastSent;
}>;
export type DeactivateAction = Readonly<{ type: 'deactivate'; oktaId: string; userName: string; wfmId: string; reason: string }>;
/**
 * `forms`: the values the WFM holds only in a form of its own, which confirming the noop keeps.
 * `held`: values the WFM does not change (sync/unchangeable.ts), which confirming the noop keeps
 * as written, in place of Okta's.
 */
export type NoopAction = Readonly<{ type: 'noop'; oktaId: string; userName: string; wfmId: string; reason: string; forms?: StoredForms; held?: Readonly<Record<string, string>> }>;
export type ConflictAction = Readonly<{
  type: 'conflict';
  oktaId: string;
  userName: string;
  candidates: readonly string[];
  reason: string;
}>;

export type Action = CreateAction | UpdateAction | DeactivateAction | NoopAction | ConflictAction;

/** A user the run could not even plan for (bad data from Okta), with the reason. */
/** A user the pull could not take: `action` what failed (`map` when absent), `kind` the error's kind when it came from one. */
export type Rejected = Readonly<{ oktaId: string; userName: string; reason: string; action?: 'map' | 'read'; kind?: string }>;
