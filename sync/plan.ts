import type { Mapping } from '../config/mapping';
import { userNameKey } from '../mappers/scim-canonical';
import { diffOwned } from '../mappers/scim-merge';
import type { Action, DesiredUser, WfmUser } from './types';

export type PlanOptions = Readonly<{ mapping: Mapping }>;

function indexBy(users: readonly WfmUser[], key: (u: WfmUser) => string | undefined): Map<string, WfmUser[]> {
  const index = new Map<string, WfmUser[]>();
  for (const u of users) {
    const k = key(u);
    if (k === undefined || k === '') continue;
    const list = index.get(k);
    if (list) list.push(u);
    else index.set(k, [u]);
  }
  return index;
}


/**
 * Diffs the desired WFM users against the WFM users as read. Matching: a WFM user whose externalId
 * is the Okta id, else one whose userName equals the login ignoring case. A userName match with no
 * externalId is linked by the update; anything ambiguous is a conflict for a human, never a guess.
 * WFM users nobody desires are left alone (off-boarding decides about them).
 */
export function plan(desired: readonly DesiredUser[], current: readonly WfmUser[], opts: PlanOptions): Action[] {
  const byExternalId = indexBy(current, (u) => u.externalId);
  const byUserName = indexBy(current, (u) => userNameKey(u.userName));
  const desiredByName = new Map<string, number>();
  for (const d of desired) desiredByName.set(userNameKey(d.userName), (desiredByName.get(userNameKey(d.userName)) ?? 0) + 1);

  return desired.map((d): Action => {
    const base = { oktaId: d.oktaId, userName: d.userName };
    if ((desiredByName.get(userNameKey(d.userName)) ?? 0) > 1) {
      return { type: 'conflict', ...base, candidates: [], reason: `more than one Okta user maps to userName "${d.userName}"` };
    }
    const linked = byExternalId.get(d.oktaId) ?? [];
    const named = byUserName.get(userNameKey(d.userName)) ?? [];
    if (linked.length > 1) {
      return { type: 'conflict', ...base, candidates: linked.map((u) => u.id), reason: 'several WFM users carry this Okta id as externalId' };
    }
    let target = linked[0];
    let link = false;
    if (target) {
      // Another holder of the userName matters only when the write would rename the linked user
      // into it; one that already holds the name is unambiguous (a twin in another case, Unicode
      // form or spacing is an admin's to sort out, and the WFM has taken both).
      const renames = userNameKey(target.userName) !== userNameKey(d.userName);
      const other = renames ? named.find((u) => u.id !== target?.id) : undefined;
      if (other) {
        return {
          type: 'conflict',
          ...base,
          candidates: [target.id, other.id],
          reason: `the login changed to "${d.userName}", which another WFM user already holds`,
        };
      }
    } else {
      if (named.length > 1) {
        return { type: 'conflict', ...base, candidates: named.map((u) => u.id), reason: 'several WFM users have this userName' };
      }
      const candidate = named[0];
      if (!candidate) return { type: 'create', ...base, desired: d, reason: 'no WFM user with this Okta id or userName' };
      if (candidate.externalId !== undefined && candidate.externalId !== '') {
        return {
          type: 'conflict',
          ...base,
          candidates: [candidate.id],
          reason: `the WFM user with this userName carries another externalId (${candidate.externalId}): another Okta user's, or another system's`,
        };
      }
      // An inactive account nobody linked may be a former employee's whose login was given again:
      // reviving it would hand the new hire that person's WFM account. Left to an admin.
      if (!candidate.active) {
        return {
          type: 'conflict',
          ...base,
          candidates: [candidate.id],
          reason: 'an inactive WFM user linked to no Okta user holds this userName: link it (set its externalId) or free the userName',
        };
      }
      target = candidate;
      link = true;
    }
    const changes = diffOwned(d, target.raw, opts.mapping);
    if (!target.active) {
      return { type: 'reactivate', ...base, wfmId: target.id, link, changes, desired: d, current: target, reason: 'inactive in the WFM, in scope in Okta' };
    }
    if (changes.length === 0) return { type: 'noop', ...base, wfmId: target.id, reason: 'up to date' };
    return {
      type: 'update',
      ...base,
      wfmId: target.id,
      link,
      changes,
      desired: d,
      current: target,
      reason: link ? 'matched by userName: link and update' : `${changes.length} attribute(s) differ`,
    };
  });
}

/**
 * In a run that looks its few users up one by one, a user this sync wrote before that neither the
 * externalId nor the userName search finds is most likely one whose login changed in Okta, on a
 * WFM whose externalId search finds nothing (rather than refusing the filter): a create would give
 * that person a second WFM user. A conflict instead, left to the next full sync.
 */
export function holdCreatesWrittenBefore(actions: readonly Action[], writtenBefore: ReadonlySet<string>): Action[] {
  return actions.map((a): Action =>
    a.type === 'create' && writtenBefore.has(a.oktaId)
      ? {
          type: 'conflict',
          oktaId: a.oktaId,
          userName: a.userName,
          candidates: [],
          reason:
            'this sync wrote this user before, but the WFM finds it neither by externalId nor by userName: not created by this run (its login may have changed, on a WFM that does not search externalId); left to the next full sync',
        }
      : a,
  );
}
