import { externalIdFilterRefused } from '../clients/errors';
import { formatDuration } from '../config/duration';
import { mapOktaUser } from '../mappers/okta-to-wfm';
import type { KeptRecord } from '../store/kept-verdicts';
import { createOwnedValues } from '../store/owned-values';
import { createSeenInScope } from '../store/seen-in-scope';
import { classifyPlan } from '../sync/drift';
import { fieldRows, type FieldRow } from '../sync/explain';
import { judgeRecheck } from '../sync/offboard-plan';
import { plan } from '../sync/plan';
import { dropUnchangeable, judgeUnchangeable } from '../sync/unchangeable';
import { dropUnkept, unkeptByVerdict } from '../sync/unkept';
import type { Action, WfmUser } from '../sync/types';
import type { JobDeps } from './deps';
import { loadKept } from './drift';

export type ExplainedWfmUser = { id: string; userName: string; externalId?: string; active: boolean; matchedBy: 'externalId' | 'userName' };

/** `none`: nothing happens to this user; `fail`: the run reports it as failed; else the action. */
export type NextStep = { action: Action['type'] | 'none' | 'fail'; reason: string; wfmId?: string };

export type Explanation = {
  login: string;
  okta:
    | { found: false }
    | { found: true; id: string; login: string; status: string; groups: string[]; assigned: boolean; scope: 'app' | 'groups'; inScope: boolean };
  mapped?: { ok: true; attrs: Record<string, string | undefined> } | { ok: false; reason: string };
  wfm: ExplainedWfmUser[];
  next: NextStep;
  fields: FieldRow[];
};

const shown = (u: WfmUser, matchedBy: ExplainedWfmUser['matchedBy']): ExplainedWfmUser => ({
  id: u.id,
  userName: u.userName,
  ...(u.externalId !== undefined ? { externalId: u.externalId } : {}),
  active: u.active,
  matchedBy,
});

/** Said with the next step where the WFM could not be asked for the user carrying the Okta id. */
const NOT_BY_EXTERNAL_ID =
  'the WFM does not filter by externalId, so it was searched by userName alone: a WFM user linked to this Okta user under another userName is not shown';

/** The users carrying this Okta id; undefined where the WFM does not filter by externalId. */
async function linkedWfm(deps: JobDeps, oktaId: string): Promise<WfmUser[] | undefined> {
  try {
    return await deps.scim.findByExternalId(oktaId);
  } catch (err) {
    if (externalIdFilterRefused(err)) return undefined;
    throw err;
  }
}

/**
 * The WFM users a full run would compare this user with: those carrying its Okta id and those
 * holding its userName (a full run sees both, so a login taken by another WFM user is a conflict).
 * `note` says why the lookup was by userName alone, when it was.
 */
async function lookupWfm(deps: JobDeps, oktaId: string | undefined, userName: string): Promise<{ users: WfmUser[]; shown: ExplainedWfmUser[]; note?: string }> {
  const found = oktaId === undefined ? [] : await linkedWfm(deps, oktaId);
  const linked = found ?? [];
  const named = (await deps.scim.findByUserName(userName)).filter((n) => !linked.some((l) => l.id === n.id));
  const users = [...linked, ...named];
  const shownUsers = [...linked.map((u) => shown(u, 'externalId')), ...named.map((u) => shown(u, 'userName'))];
  return { users, shown: shownUsers, ...(found === undefined ? { note: NOT_BY_EXTERNAL_ID } : {}) };
}

/** The next step, with why the WFM lookup was partial when it was. */
const noted = (next: NextStep, note: string | undefined): NextStep => (note === undefined ? next : { ...next, reason: `${next.reason}; ${note}` });

/**
 * Everything about one user that decides what the next run does, read afresh (Okta, the WFM, what
 * we last wrote) and planned exactly as a run plans. Reads only: writes nothing anywhere.
 */
export async function explainUser(deps: JobDeps, login: string): Promise<Explanation> {
  const { mapping } = deps.config;
  const check = await deps.okta.checkUser(login);
  if (!check.found) {
    const wfm = await lookupWfm(deps, undefined, login);
    const reason = `Okta has no user ${login}: sync creates nobody for it; off-boarding deactivates an active WFM user linked to a deleted Okta user`;
    return { login, okta: { found: false }, wfm: wfm.shown, next: { action: 'none', reason }, fields: [] };
  }
  const u = check.user;
  const okta = {
    found: true as const,
    id: u.id,
    login: typeof u.profile.login === 'string' ? u.profile.login : login,
    status: u.status,
    groups: [...u.groups],
    assigned: check.assigned,
    scope: deps.config.okta.scopeGroups.length > 0 ? ('groups' as const) : ('app' as const),
    inScope: check.inScope,
  };
  const mapped = mapOktaUser(u, { mapping, supervisorGroups: deps.config.okta.supervisorGroups });
  const wfm = await lookupWfm(deps, u.id, mapped.ok ? mapped.user.userName : okta.login);
  const base = { login, okta, wfm: wfm.shown };
  if (!check.inScope) {
    const active = wfm.users.find((w) => w.externalId === u.id && w.active);
    const judged = judgeRecheck(u.id, { found: true, oktaId: u.id, status: u.status, assigned: check.assigned, inScope: false });
    const why = judged.reason;
    const grace = formatDuration(deps.config.offboard.graceMs);
    const seen = active !== undefined && (await createSeenInScope(deps.redis, deps.config.redis.prefix).seen([u.id])).has(u.id);
    const next: NextStep = !active
      ? { action: 'none', reason: `${why}: out of scope, and no active WFM user is linked to it` }
      : !seen
        ? { action: 'none', wfmId: active.id, reason: `${why}: but this deployment never saw it in scope, so something else linked WFM user ${active.id}: off-boarding counts it as unmanaged and leaves it active` }
      : judged.verdict === 'deactivate'
        ? { action: 'deactivate', wfmId: active.id, reason: `${why}: off-boarding deactivates WFM user ${active.id} (after OFFBOARD_GRACE=${grace}, behind the guard); sync leaves it alone` }
        : { action: 'none', wfmId: active.id, reason: `${why}: out of scope; off-boarding reports WFM user ${active.id} and leaves it active, and sync leaves it alone` };
    return { ...base, next: noted(next, wfm.note), fields: [] };
  }
  if (!mapped.ok) {
    return { ...base, mapped: { ok: false, reason: mapped.reason }, next: { action: 'fail', reason: `cannot be mapped: ${mapped.reason}; the run reports it and writes nothing for it` }, fields: [] };
  }
  const last = await createOwnedValues(deps.redis, deps.config.redis.prefix).records([u.id]);
  // What the answers to earlier writes showed; unreadable, every difference shows as one to write.
  const shown: KeptRecord = await loadKept(deps).catch(() => ({ verdicts: {}, missing: [] }));
  const unkept = unkeptByVerdict(shown.verdicts, shown.missing, mapping, deps.now());
  // Changes the WFM's answers showed it does not make are left out, as a run leaves them (it may
  // write one of them as a probe once the verdict is old: not shown here).
  const { unchangeable } = judgeUnchangeable(shown.changes, deps.now());
  const actions = dropUnchangeable(dropUnkept(classifyPlan(plan([mapped.user], wfm.users, { mapping }), last).actions, { unkept, probes: [] }), { unchangeable, probes: [] }).actions;
  const action = actions[0];
  if (!action) throw new Error('plan answered no action for one user');
  const wfmId = 'wfmId' in action ? action.wfmId : undefined;
  const target = wfm.users.find((w) => w.id === wfmId);
  return {
    ...base,
    mapped: { ok: true, attrs: { ...mapped.user.attrs } },
    next: noted({ action: action.type, reason: action.reason, ...(wfmId !== undefined ? { wfmId } : {}) }, wfm.note),
    fields: action.type === 'conflict' ? [] : fieldRows(mapped.user, target, mapping, last.get(u.id), unkept, unchangeable),
  };
}
