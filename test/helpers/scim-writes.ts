// What the tests of writes to SCIM servers of other makes share: a desired user mapped with the
// default mapping, a WFM user as a WFM admin left it, and the ports applyAction writes through.
import type { ScimClient } from '../../clients/scim';
import { DEFAULT_MAPPING } from '../../config/mapping';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import type { ApplyPorts } from '../../sync/apply';
import type { DesiredUser, ScimResource } from '../../sync/types';
import { oktaUser } from './okta-user';
import { scimUser } from './scim-server';

/** The Okta user `oktaId` with this login and last name, as the default mapping wants it in the WFM. */
export function desiredUser(oktaId: string, login: string, lastName: string): DesiredUser {
  const r = mapOktaUser(oktaUser({ id: oktaId, profile: { login, email: login, lastName } }), { mapping: DEFAULT_MAPPING, supervisorGroups: [] });
  if (!r.ok) throw new Error(r.reason);
  return r.user;
}

/** A WFM user Maria Lopez, with a title a WFM admin set (an attribute the sync does not own). */
export const heldUser = (id: string, userName: string, externalId?: string): ScimResource =>
  scimUser(id, userName, { ...(externalId ? { externalId } : {}), displayName: 'Maria Lopez', title: 'Set by a WFM admin' });

/** The ports of applyAction on this client, with the default mapping; a revive is not expected. */
export const portsOf = (scim: ScimClient): ApplyPorts => ({ scim, mapping: DEFAULT_MAPPING, wfmApi: { revive: () => Promise.reject(new Error('not expected')) } });
