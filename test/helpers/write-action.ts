import { DEFAULT_MAPPING } from '../../config/mapping';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import type { CreateAction } from '../../sync/types';
import { oktaUser } from './okta-user';

/** A planned create of a user `<id>@example.com`, mapped with the default mapping. */
export function createAction(id: string): CreateAction {
  const r = mapOktaUser(oktaUser({ id, profile: { login: `${id}@example.com`, email: `${id}@example.com` } }), { mapping: DEFAULT_MAPPING, supervisorGroups: [] });
  if (!r.ok) throw new Error(r.reason);
  return { type: 'create', oktaId: id, userName: r.user.userName, desired: r.user, reason: 'test' };
}
