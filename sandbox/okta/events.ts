import { uuidFrom, base62 } from './random';
import { displayName, loginOf, type StateContext } from './store';
import type {
  AppRecord, AppUserRecord, GroupRecord, LogEventRecord, LogSeverity, LogTargetRecord, UserRecord,
} from './types';

export type EventInput = {
  eventType: string;
  displayMessage: string;
  target: LogTargetRecord[];
  severity?: LogSeverity;
  legacyEventType?: string;
  debugData?: Record<string, unknown>;
};

/** Appends one System Log event, published now, in persistence order. */
export function recordEvent(ctx: StateContext, input: EventInput): LogEventRecord {
  const event: LogEventRecord = {
    seq: ctx.store.nextSeq++,
    uuid: uuidFrom(ctx.random),
    published: ctx.now(),
    eventType: input.eventType,
    displayMessage: input.displayMessage,
    severity: input.severity ?? 'INFO',
    actor: ctx.actor,
    target: input.target,
    outcome: { result: 'SUCCESS' },
    transactionId: base62(ctx.random, 27),
    debugData: { requestId: base62(ctx.random, 27), ...input.debugData },
    ...(input.legacyEventType ? { legacyEventType: input.legacyEventType } : {}),
  };
  ctx.store.events.push(event);
  return event;
}

export const userTarget = (user: UserRecord): LogTargetRecord => ({
  id: user.id,
  type: 'User',
  alternateId: loginOf(user),
  displayName: displayName(user),
});

export const groupTarget = (group: GroupRecord): LogTargetRecord => ({
  id: group.id,
  type: 'UserGroup',
  alternateId: 'unknown',
  displayName: group.name,
});

export const appTarget = (app: AppRecord): LogTargetRecord => ({
  id: app.id,
  type: 'AppInstance',
  alternateId: app.label,
  displayName: app.label,
});

/** Okta's AppUser target carries the app user's own id (0ua...), not the user's: read the User target. */
export const appUserTarget = (appUser: AppUserRecord, user: UserRecord): LogTargetRecord => ({
  id: appUser.appUserId,
  type: 'AppUser',
  alternateId: loginOf(user),
  displayName: displayName(user),
});

export const LEGACY_EVENT_TYPES: Record<string, string> = {
  'user.lifecycle.create': 'core.user.config.user_creation.success',
  'user.lifecycle.activate': 'core.user.config.user_activated',
  'user.lifecycle.reactivate': 'core.user.config.user_reactivated',
  'user.lifecycle.deactivate': 'core.user.config.user_deactivated',
  'user.lifecycle.suspend': 'core.user.config.user_suspended',
  'user.lifecycle.unsuspend': 'core.user.config.user_unsuspended',
  'user.account.update_profile': 'core.user.config.profile_update.success',
  'user.account.lock': 'core.user.account.locked',
  'user.account.unlock': 'core.user.config.user_unlocked',
  'user.account.reset_password': 'core.user.config.password_reset',
  'user.account.update_password': 'core.user.config.password_update.success',
  'group.user_membership.add': 'core.user_group_member.user_add',
  'group.user_membership.remove': 'core.user_group_member.user_remove',
  'application.user_membership.add': 'app.generic.provision.assign_user_to_app',
  'application.user_membership.remove': 'app.generic.provision.deprovision_user_from_app',
};
