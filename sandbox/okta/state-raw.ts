import { validationFailed } from './errors';
import { recordEvent, userTarget, LEGACY_EVENT_TYPES } from './events';
import { oktaId } from './random';
import { addMember } from './state-groups';
import type { CreateUserInput } from './state-users';
import { loginOf, type StateContext } from './store';
import { wholeSecond } from './time';
import type { UserRecord } from './types';

/**
 * TEST SWITCH, not Okta behaviour. Inserts a user with none of Okta's profile checks: no required
 * attribute, no email pattern, no length limit, a login that differs from another only in case. It
 * stands for data a real org may still serve (written before a schema change, imported) or that
 * another Okta implementation would, so the tests can feed the sync what the sandbox would
 * otherwise refuse. The user is put straight into `status` (default ACTIVE); assign it as usual.
 */
export function insertRawUser(ctx: StateContext, input: CreateUserInput): UserRecord {
  const id = input.id ?? oktaId('00u', ctx.random);
  if (ctx.store.users.has(id)) throw validationFailed('id', 'An object with this field already exists');
  const status = input.status ?? 'ACTIVE';
  const at = wholeSecond(ctx.now());
  const active = status === 'ACTIVE';
  const user: UserRecord = {
    id,
    status,
    created: at,
    activated: active ? at : null,
    statusChanged: at,
    lastLogin: null,
    lastUpdated: at,
    passwordChanged: active ? at : null,
    profileUpdated: at,
    typeId: 'otysandboxdefault0g4',
    profile: { ...input.profile },
  };
  ctx.store.users.set(id, user);
  // A login lookup finds the first user of a login (any case), as it would in an org holding both.
  const login = loginOf(user).toLowerCase();
  if (!ctx.store.loginIndex.has(login)) ctx.store.loginIndex.set(login, id);
  recordEvent(ctx, {
    eventType: 'user.lifecycle.create',
    displayMessage: 'Create Okta user',
    target: [userTarget(user)],
    legacyEventType: LEGACY_EVENT_TYPES['user.lifecycle.create'],
  });
  for (const group of ctx.store.groups.values()) if (group.type === 'BUILT_IN') addMember(ctx, group.id, id, { silent: true });
  return user;
}
