import { SyncError, describeError, externalIdFilterRefused, isSyncError, type ExternalIdFilterRefusedError } from '../clients/errors';
import type { ScimClient } from '../clients/scim';
import { userNameKey } from '../mappers/scim-canonical';
import { mapPool } from '../sync/pool';
import type { Failure } from '../sync/report';
import type { DesiredUser, WfmUser } from '../sync/types';

/**
 * The WFM users read, and the desired users whose own lookup the WFM refused (a 400 on their
 * search: a value its filter parser cannot take, say): they are left out of the plan, for a user
 * not found could not be told from one the WFM could not look up, and would be created twice.
 */
export type WfmRead = { users: WfmUser[]; unreadable: Failure[] };

/**
 * Looking users up one by one needs the externalId filter: a user whose Okta login was renamed is
 * found by its Okta id alone, and by userName it would be missed and created a second time.
 */
function lookupNeedsExternalIdFilter(refusal: ExternalIdFilterRefusedError): SyncError {
  return new SyncError(
    `the WFM does not filter users by externalId (${refusal.answer}), which WFM_READ_MODE=lookup needs: a user whose Okta login was renamed is found by externalId alone, and would otherwise be created a second time; use WFM_READ_MODE=list`,
    { kind: 'config', service: 'wfm-scim' },
  );
}

/**
 * The WFM users one desired user may own: those carrying its Okta id, else those holding its
 * userName. A linked user under another userName (the login renamed in Okta) brings the holder of
 * the new one too, if any, as a listing would: the plan then sees a rename into a taken userName.
 */
async function lookUp(scim: ScimClient, d: DesiredUser): Promise<WfmUser[]> {
  const linked = await scim.findByExternalId(d.oktaId);
  if (linked.length === 0) return scim.findByUserName(d.userName);
  if (linked.every((u) => userNameKey(u.userName) === userNameKey(d.userName))) return linked;
  return [...linked, ...(await scim.findByUserName(d.userName)).filter((u) => !linked.some((l) => l.id === u.id))];
}

/** Of the whole listing, the WFM users the lookups of these desired users would have found. */
async function listedFor(scim: ScimClient, desired: readonly DesiredUser[]): Promise<WfmUser[]> {
  const ids = new Set(desired.map((d) => d.oktaId));
  const names = new Set(desired.map((d) => userNameKey(d.userName)));
  return (await scim.listAll()).filter((u) => (u.externalId !== undefined && ids.has(u.externalId)) || names.has(userNameKey(u.userName)));
}

/**
 * Reads the WFM users the plan compares against: the whole listing (default), or, for a WFM that
 * refuses plain listing, one lookup per desired user (externalId, then userName). A run about a
 * few users (an incremental run, a one-user resync) looks them up even where the WFM lists:
 * `listWhenRefused` then reads them from the listing when the WFM does not filter by externalId.
 */
export async function readWfmUsers(
  scim: ScimClient,
  mode: 'list' | 'lookup',
  desired: readonly DesiredUser[],
  concurrency: number,
  opts: Readonly<{ listWhenRefused?: boolean }> = {},
): Promise<WfmRead> {
  if (mode === 'list') return { users: await scim.listAll(), unreadable: [] };
  try {
    const found = await mapPool(desired, concurrency, async (d): Promise<WfmUser[] | Failure> => {
      try {
        return await lookUp(scim, d);
      } catch (err) {
        if (!refusedForThisUser(err)) throw err;
        return { oktaId: d.oktaId, userName: d.userName, action: 'read', kind: 'invalid', error: `the WFM refused looking this user up: ${err.message}` };
      }
    });
    const unreadable = found.filter((f): f is Failure => !Array.isArray(f));
    if (unreadable.length > 0 && unreadable.length === desired.length) await searchAnswers(scim);
    const byId = new Map<string, WfmUser>();
    for (const u of found.filter((f): f is WfmUser[] => Array.isArray(f)).flat()) byId.set(u.id, u);
    return { users: [...byId.values()], unreadable };
  } catch (err) {
    if (!externalIdFilterRefused(err)) throw err;
    if (opts.listWhenRefused) return { users: await listedFor(scim, desired), unreadable: [] };
    throw lookupNeedsExternalIdFilter(err);
  }
}

/**
 * Every lookup refused (an incremental run of one changed user, say): refused for these users'
 * values, or is the WFM's search itself broken? A search for a plain userName no user has tells;
 * when it is refused too, the run stops with that answer (the users' values go in no message).
 */
async function searchAnswers(scim: ScimClient): Promise<void> {
  try {
    await scim.probe('lookup');
  } catch (err) {
    throw new SyncError(`the WFM refused every user's lookup, and a search for a plain userName too: ${describeError(err)}`, { kind: 'invalid', service: 'wfm-scim' });
  }
}

/** A 400 (or another "invalid" answer) to one user's search: that user's failure, not the run's. */
const refusedForThisUser = (err: unknown): err is SyncError => isSyncError(err) && err.kind === 'invalid' && err.service === 'wfm-scim' && !externalIdFilterRefused(err);
