import { DEFAULT_MAPPING } from '../../../config/mapping';
import { mapOktaUser } from '../../../mappers/okta-to-wfm';
import { diffOwned } from '../../../mappers/scim-merge';
import { inScopeUsers } from '../../../sandbox/okta/oracle';
import type { Harness } from '../../helpers/harness';

export const SUPERVISORS = 'WFM Supervisors';

/** What differs between the WFM and what Okta says it should hold; all empty when converged. */
export type Divergence = {
  /** In-scope Okta users with no WFM user carrying their id. */
  missing: string[];
  /** Okta ids carried by more than one WFM user. */
  linkedTwice: string[];
  /** userNames held by more than one WFM user (ignoring case). */
  duplicateUserNames: string[];
  /** Okta ids whose WFM user differs in an owned attribute, or is inactive. */
  wrong: { oktaId: string; fields: string[] }[];
};

/**
 * Compares the sandbox WFM with the sandbox Okta: every in-scope user (except `except`) present
 * once, active, with exactly the attributes the default mapping gives, and no userName twice.
 */
export function divergence(h: Harness, except: ReadonlySet<string> = new Set()): Divergence {
  const wfmUsers = h.wfm.state.all();
  const byOktaId = new Map<string, typeof wfmUsers>();
  for (const u of wfmUsers) {
    if (typeof u.externalId !== 'string') continue;
    byOktaId.set(u.externalId, [...(byOktaId.get(u.externalId) ?? []), u]);
  }
  const names = new Map<string, number>();
  for (const u of wfmUsers) names.set(String(u.userName).toLowerCase(), (names.get(String(u.userName).toLowerCase()) ?? 0) + 1);
  const out: Divergence = {
    missing: [],
    linkedTwice: [...byOktaId].filter(([, list]) => list.length > 1).map(([id]) => id),
    duplicateUserNames: [...names].filter(([, n]) => n > 1).map(([name]) => name),
    wrong: [],
  };
  for (const expected of inScopeUsers(h.okta.state, h.okta.appId)) {
    if (except.has(expected.id)) continue;
    const okta = h.okta.state.getUser(expected.id);
    const got = byOktaId.get(expected.id)?.[0];
    if (!okta || !got) {
      out.missing.push(expected.id);
      continue;
    }
    const groups = h.okta.state.userGroups(okta.id).map((g) => g.name).filter((n) => n === SUPERVISORS);
    const mapped = mapOktaUser({ id: okta.id, status: okta.status, profile: okta.profile, groups }, { mapping: DEFAULT_MAPPING, supervisorGroups: [SUPERVISORS] });
    if (!mapped.ok) throw new Error(`the oracle cannot map ${okta.id}: ${mapped.reason}`);
    const fields = diffOwned(mapped.user, got, DEFAULT_MAPPING).map((c) => c.path);
    if (got.active !== true) fields.push('active');
    if (fields.length > 0) out.wrong.push({ oktaId: expected.id, fields });
  }
  return out;
}

export const CONVERGED: Divergence = { missing: [], linkedTwice: [], duplicateUserNames: [], wrong: [] };
