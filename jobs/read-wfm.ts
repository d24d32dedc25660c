import type { ScimClient } from '../clients/scim';
import { mapPool } from '../sync/pool';
import type { DesiredUser, WfmUser } from '../sync/types';

/**
 * Reads the WFM users the plan compares against: the whole listing (default), or, for a WFM that
 * refuses plain listing, one lookup per desired user (externalId, then userName).
 */
export async function readWfmUsers(
  scim: ScimClient,
  mode: 'list' | 'lookup',
  desired: readonly DesiredUser[],
  concurrency: number,
): Promise<WfmUser[]> {
  if (mode === 'list') return scim.listAll();
  const found = await mapPool(desired, concurrency, async (d) => {
    const linked = await scim.findByExternalId(d.oktaId);
    return linked.length > 0 ? linked : scim.findByUserName(d.userName);
  });
  const byId = new Map<string, WfmUser>();
  for (const u of found.flat()) byId.set(u.id, u);
  return [...byId.values()];
}
