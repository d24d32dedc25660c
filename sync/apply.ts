import { leftOutOfListing } from '../mappers/listed-attributes';
import { SyncError, externalIdFilterRefused, isSyncError } from '../clients/errors';
import type { Mapping } from '../config/mapping';
import { buildResource, diffOwned, mergeOwned } from '../mappers/scim-merge';
import type { ScimPort, WfmApiPort } from './ports';
import { readAnswer } from './kept-answers';
import { sendDroppingRefused } from './refused-extension';
import type { Change, CreateAction, DesiredUser, KnownForms, LastSent, ScimResource, StoredForms, UpdateAction, WfmUser } from './types';

export type ApplyPorts = Readonly<{
  scim: ScimPort;
  /** The user-management API, when configured: without it a reactivation is a PUT with `active: true`. */
  wfmApi?: WfmApiPort;
  mapping: Mapping;
  /**
   * Whether the copy the plan read is too old to merge into: without a version (no If-Match to
   * catch a change made since), a stale copy would put back what a WFM admin changed meanwhile in
   * attributes we do not own. Such a user is read again first. Without it, the copy is used.
   */
  readAgain?: (current: WfmUser) => boolean;
}>;

export type AppliedAs = 'create' | 'update' | 'reactivate';
export type ApplyResult = Readonly<{
  appliedAs: AppliedAs;
  wfmId: string;
  changes: readonly Change[];
  /** What happened beyond the plan: a create that found its user already there, a re-read after 412. */
  note?: string;
  /**
   * The owned paths sent with a value that the WFM's answer (its user as stored) lacks; absent
   * when nothing was sent (the user was already up to date). See sync/unkept.ts.
   */
  dropped?: readonly string[];
  /** The owned values the answer holds in a form of the WFM's own (sync/stored-forms.ts), when any. */
  forms?: StoredForms;
  /** The owned paths sent with a new value that the answer holds as the user held them before, with that value (sync/unchangeable.ts), when any. */
  ignored?: Readonly<Record<string, string>>;
  /** An update that read its user again: what that read held and the listed copy lacked (a listing that leaves attributes out, or an edit since). */
  unlisted?: readonly string[];
}>;

/** What an answer to a write shows beyond the write itself: the values it lacks, and those it holds in its own form. */
function answered(
  answer: Readonly<ScimResource>,
  desired: DesiredUser,
  mapping: ApplyPorts['mapping'],
  before?: Readonly<ScimResource>,
  known?: KnownForms,
): { dropped: string[]; forms?: StoredForms; ignored?: Record<string, string> } {
  const { dropped, forms, ignored } = readAnswer(answer, desired, mapping, before, known);
  return { dropped, ...(Object.keys(forms).length > 0 ? { forms } : {}), ...(Object.keys(ignored).length > 0 ? { ignored } : {}) };
}

/** How often a write is tried again after an answer that may be stale (412) or lost (timeout). */
const MAX_ATTEMPTS = 3;

/** The WFM users carrying this Okta id; none where the WFM does not filter by externalId (the userName lookup follows). */
async function linkedUsers(scim: ScimPort, oktaId: string): Promise<WfmUser[]> {
  try {
    return await scim.findByExternalId(oktaId);
  } catch (err) {
    if (externalIdFilterRefused(err)) return [];
    throw err;
  }
}

/**
 * Finds the WFM user an Okta user owns: by externalId, else by userName. A user linked to another
 * Okta id is a conflict; several candidates are a conflict.
 */
async function lookup(scim: ScimPort, desired: DesiredUser): Promise<WfmUser | undefined> {
  const linked = await linkedUsers(scim, desired.oktaId);
  if (linked.length > 1) throw conflict(`several WFM users carry Okta id ${desired.oktaId}`);
  if (linked[0]) return linked[0];
  const named = await scim.findByUserName(desired.userName);
  if (named.length > 1) throw conflict(`several WFM users have userName ${desired.userName}`);
  const found = named[0];
  if (found?.externalId && found.externalId !== desired.oktaId) {
    throw conflict(`the WFM user ${found.id} with this userName carries another externalId (${found.externalId}): another Okta user's, or another system's`);
  }
  return found;
}

const deactivatedMeanwhile = (wfmId: string): SyncError =>
  new SyncError(`WFM user ${wfmId} is inactive (deactivated since the plan read it): not written, since only a reactivation (revive) brings a user back; the next run decides`, {
    kind: 'conflict',
    service: 'wfm-scim',
  });

const gone = (wfmId: string): SyncError => new SyncError(`WFM user ${wfmId} no longer exists (removed since it was read)`, { kind: 'not-found', service: 'wfm-scim' });

function conflict(message: string): SyncError {
  return new SyncError(message, { kind: 'conflict', service: 'wfm-scim' });
}

/**
 * GET-merge-PUT: merges the owned attributes into the resource as read and PUTs the whole of it,
 * with If-Match when the resource has a version. A 412 means someone changed it since: re-read,
 * re-merge, try again.
 */
async function replaceOwned(
  ports: ApplyPorts,
  desired: DesiredUser,
  current: WfmUser,
  mayActivate: boolean,
  known?: KnownForms,
  lastSent?: LastSent,
): Promise<{ user: WfmUser; changes: Change[]; reread: boolean; dropped?: string[]; forms?: StoredForms; ignored?: Record<string, string> }> {
  let target = current;
  let reread = false;
  for (let attempt = 1; ; attempt += 1) {
    // The merge sends `active: true`: only a reactivation (after its revive) may. An inactive user
    // any other write finds was deactivated since the plan read it (off-boarding, a WFM admin), and
    // a PUT would bring it back past off-boarding's re-check and the revive: the next run decides.
    if (!target.active && !mayActivate) throw deactivatedMeanwhile(target.id);
    const changes = diffOwned(desired, target.raw, ports.mapping, lastSent);
    if (changes.length === 0 && target.active) return { user: target, changes, reread };
    try {
      const body = mergeOwned(target.raw, desired, ports.mapping, lastSent);
      const version = target.version;
      const user = await sendDroppingRefused(body, (b) => ports.scim.replace(target.id, b, version));
      return { user, changes, reread, ...answered(user.raw, desired, ports.mapping, target.raw, known) };
    } catch (err) {
      if (isSyncError(err) && err.status === 412 && attempt < MAX_ATTEMPTS) {
        const refused = target.version;
        target = await ports.scim.get(target.id);
        // The same tag on a fresh copy is refused for what it is, not for being stale: the copy's
        // meta.version, where it differs, is the one the server compares.
        if (target.version === refused && target.otherVersion !== undefined) target = { ...target, version: target.otherVersion, otherVersion: undefined };
        reread = true;
        continue;
      }
      if (isSyncError(err) && err.status === 404) throw gone(target.id);
      throw err;
    }
  }
}

async function applyCreate(action: CreateAction, ports: ApplyPorts): Promise<ApplyResult> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const created = await sendDroppingRefused(buildResource(action.desired, ports.mapping), (b) => ports.scim.create(b));
      return { appliedAs: 'create', wfmId: created.id, changes: [], ...answered(created.raw, action.desired, ports.mapping) };
    } catch (err) {
      // A 409 says the user exists (so does a 400 `uniqueness`, as RFC 7644 §3.12 lists it among
      // the 400 scimTypes; some servers answer a duplicate with any 400: `invalidValue`, or none);
      // a transient failure may have created it with the answer lost. Either way look it up before
      // anything is sent again, so a user is never created twice.
      const ambiguous = isSyncError(err) && (err.kind === 'transient' || taken(err) || err.status === 400);
      if (!ambiguous) throw err;
      const found = await lookup(ports.scim, action.desired);
      if (found) {
        const { user, changes, dropped, forms, ignored } = await replaceOwned(ports, action.desired, found, false);
        const linked = found.externalId !== action.desired.oktaId;
        return {
          appliedAs: linked ? 'update' : 'create',
          wfmId: user.id,
          changes,
          ...(dropped ? { dropped } : {}),
          ...(forms ? { forms } : {}),
          ...(ignored ? { ignored } : {}),
          note: linked ? 'userName already in the WFM: linked' : 'create confirmed by lookup',
        };
      }
      // A 409 nobody can be found for: sending the create again would only be refused again.
      if (taken(err)) throw unexplainedConflict(action.desired, err);
      // Any other 400 nobody holds the user for: the WFM refused the data itself.
      if (err.status === 400) throw err;
      // The WFM asked for a pause (Retry-After on a 503, or on a 429 past the client's own
      // retries): the create is not sent again now but left to the write's retry, which waits as asked.
      if (attempt >= MAX_ATTEMPTS || err.retryAfterMs !== undefined) throw err;
    }
  }
}

/** The WFM refused a create because the user exists: 409, or 400 with scimType `uniqueness`. */
const taken = (err: SyncError): boolean => err.status === 409 || (err.status === 400 && err.scimType?.toLowerCase() === 'uniqueness');

/** The WFM says the userName is taken, but neither lookup finds who holds it. */
function unexplainedConflict(desired: DesiredUser, err: SyncError): SyncError {
  return new SyncError(
    `the WFM refused the create: userName ${desired.userName} is taken (${err.message}), but no WFM user with this externalId or userName is found; the WFM's userName filter may compare case-sensitively, or not show that user`,
    { kind: 'conflict', service: 'wfm-scim', status: 409, ...(err.scimType !== undefined ? { scimType: err.scimType } : {}) },
  );
}

/** The user as it is now, for an update; gone since the plan read it is this user's failure. */
async function readCurrent(ports: ApplyPorts, wfmId: string): Promise<WfmUser> {
  try {
    return await ports.scim.get(wfmId);
  } catch (err) {
    if (isSyncError(err) && err.status === 404) throw gone(wfmId);
    throw err;
  }
}

async function applyUpdate(action: UpdateAction, ports: ApplyPorts): Promise<ApplyResult> {
  let current = action.current;
  let unlisted: string[] = [];
  if (action.type === 'reactivate' && ports.wfmApi) {
    await ports.wfmApi.revive(action.wfmId);
    current = await ports.scim.get(action.wfmId);
    // Brought back by the revive call only, never by a PUT's `active: true`: a WFM that still reads
    // the user inactive (it revives later, or meant something else) is asked again on the retry.
    if (!current.active) {
      throw new SyncError(`WFM user ${action.wfmId} still reads inactive after its revive call was answered as done: not written; it is revived again on the retry`, {
        kind: 'transient',
        service: 'wfm-api',
      });
    }
  } else if (ports.readAgain?.(current)) {
    const listed = current;
    current = await readCurrent(ports, action.wfmId);
    unlisted = leftOutOfListing(listed.raw, current.raw);
  }
  const { user, changes, reread, dropped, forms, ignored } = await replaceOwned(ports, action.desired, current, action.type === 'reactivate', action.knownForms, action.lastSent);
  // With no user-management API configured, the PUT's `active: true` is the reactivation (RFC
  // 7643's way). A WFM that still answers the user inactive revives only through an API of its own;
  // an answer that leaves `active` out says nothing, so the user is read again.
  if (action.type === 'reactivate' && !ports.wfmApi && !(user.raw.active != null ? user.active : (await ports.scim.get(user.id)).active)) {
    throw new SyncError(
      `WFM user ${action.wfmId} still reads inactive after a PUT with active: true: this WFM revives users through its user-management API; set WFM_API_URL, WFM_ACCESS_KEY_ID and WFM_ACCESS_KEY_SECRET`,
      { kind: 'invalid', service: 'wfm-scim' },
    );
  }
  return {
    appliedAs: action.type,
    wfmId: user.id,
    changes,
    ...(dropped ? { dropped } : {}),
    ...(forms ? { forms } : {}),
    ...(ignored ? { ignored } : {}),
    ...(reread ? { note: 'changed in the WFM meanwhile (412): re-read and merged' } : {}),
    ...(unlisted.length > 0 ? { unlisted } : {}),
  };
}

/** Carries out one planned write. Throws a SyncError when it cannot; the caller records it. */
export async function applyAction(action: CreateAction | UpdateAction, ports: ApplyPorts): Promise<ApplyResult> {
  return action.type === 'create' ? applyCreate(action, ports) : applyUpdate(action, ports);
}
