import { userNameKey } from '../mappers/scim-canonical';
import { isOktaUserId } from './offboard-plan';
import type { ConflictEntry } from './report';
import type { WfmUser } from './types';

/**
 * How a WFM user stands with the sync: `managed` (linked to an Okta user: the sync owns its mapped
 * attributes), `unmanaged` (no Okta link: never touched), `conflict` (a link a human must sort out).
 */
export type LinkState = 'managed' | 'unmanaged' | 'conflict';


/**
 * The link state of every WFM user. A conflict is a WFM user that shares its Okta id or its
 * userName with another WFM user, or one the last full run reported in a conflict.
 */
export function linkStates(users: readonly WfmUser[], lastConflicts: readonly ConflictEntry[] = []): Map<string, LinkState> {
  const byOktaId = new Map<string, number>();
  const byName = new Map<string, number>();
  for (const u of users) {
    if (isOktaUserId(u.externalId)) byOktaId.set(u.externalId, (byOktaId.get(u.externalId) ?? 0) + 1);
    byName.set(userNameKey(u.userName), (byName.get(userNameKey(u.userName)) ?? 0) + 1);
  }
  const conflictIds = new Set(lastConflicts.flatMap((c) => c.candidates));
  // A conflict with no candidates ("two Okta users map to this userName") names only the userName.
  const conflictNames = new Set(lastConflicts.filter((c) => c.candidates.length === 0).map((c) => userNameKey(c.userName)));
  const states = new Map<string, LinkState>();
  for (const u of users) {
    const shared = (byName.get(userNameKey(u.userName)) ?? 0) > 1 || (isOktaUserId(u.externalId) && (byOktaId.get(u.externalId) ?? 0) > 1);
    if (shared || conflictIds.has(u.id) || conflictNames.has(userNameKey(u.userName))) states.set(u.id, 'conflict');
    else states.set(u.id, isOktaUserId(u.externalId) ? 'managed' : 'unmanaged');
  }
  return states;
}
