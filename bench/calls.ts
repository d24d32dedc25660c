/**
 * The pure arithmetic of the benchmark: API calls by kind from the sandboxes' request logs, and the
 * fewest calls a correct sync could make for each scenario.
 */

export type CallKind = 'okta' | 'scimRead' | 'scimWrite' | 'userMgmt';
export type Calls = Record<CallKind, number>;
export const CALL_KINDS: readonly CallKind[] = ['okta', 'scimRead', 'scimWrite', 'userMgmt'];

/** One entry of the sandbox Okta's request log (admin routes are never logged). */
export type OktaLogEntry = { method: string; path: string; status: number };
/** One entry of the sandbox WFM's request log. */
export type WfmLogEntry = { method: string; path: string; api: string; status: number; at: number };

/** Requests counted by method and path, ids replaced by ':id' (00u..., 00g..., 0oa..., uuids). */
export function requestShapes(entries: readonly { method: string; path: string }[]): Record<string, number> {
  const shapes: Record<string, number> = {};
  for (const e of entries) {
    const shape = `${e.method} ${e.path.replace(/\/(00[A-Za-z0-9]{18}|0oa[A-Za-z0-9]+|[0-9a-f-]{36})(?=\/|$)/g, '/:id')}`;
    shapes[shape] = (shapes[shape] ?? 0) + 1;
  }
  return shapes;
}

export const noCalls = (): Calls => ({ okta: 0, scimRead: 0, scimWrite: 0, userMgmt: 0 });

/** Every request the product sent, by kind. Failed answers (429, 5xx) count too: they were calls. */
export function countCalls(okta: readonly OktaLogEntry[], wfm: readonly WfmLogEntry[]): Calls {
  const calls = noCalls();
  calls.okta = okta.filter((e) => !e.path.startsWith('/_sandbox')).length;
  for (const e of wfm) {
    if (e.api === 'scim') {
      if (e.method === 'GET') calls.scimRead += 1;
      else calls.scimWrite += 1;
    } else if (e.api === 'user-management') {
      calls.userMgmt += 1;
    }
  }
  return calls;
}

export type Tenant = {
  /** Effective app users of the Okta app, whatever their status (what the app-user listing pages through). */
  appUsers: number;
  /** Members of each role group (SUPERVISOR_GROUPS), whatever their status. */
  roleGroupMembers: readonly number[];
  /** WFM users before the run (what a listing pages through). */
  wfmUsers: number;
  /** Users per SCIM list page as the server answers them. */
  scimPageSize: number;
};

/** Okta pages: app users 500 a page, group members 1000 a page; an empty listing is still one call. */
export const OKTA_APP_USERS_PER_PAGE = 500;
export const OKTA_GROUP_MEMBERS_PER_PAGE = 1000;
export const OKTA_UPDATED_USERS_PER_PAGE = 200;

const pages = (items: number, perPage: number): number => Math.max(1, Math.ceil(items / perPage));

/**
 * The fewest calls of a full reconcile (initial, no-op, 1 %): every app-user page, every role-group
 * member page, every SCIM list page, and one write per changed user. Nothing else is needed.
 */
export function fullRunMinimum(t: Tenant, changedUsers: number): Calls {
  return {
    okta: pages(t.appUsers, OKTA_APP_USERS_PER_PAGE) + t.roleGroupMembers.reduce((sum, m) => sum + pages(m, OKTA_GROUP_MEMBERS_PER_PAGE), 0),
    scimRead: pages(t.wfmUsers, t.scimPageSize),
    scimWrite: changedUsers,
    userMgmt: 0,
  };
}

/**
 * The fewest calls of an incremental run: one System Log page, the pages of users updated since the
 * cursor (which carry the whole profile), one SCIM lookup per changed user and one write each.
 */
export function incrementalMinimum(changedUsers: number): Calls {
  return {
    okta: 1 + pages(changedUsers, OKTA_UPDATED_USERS_PER_PAGE),
    scimRead: changedUsers,
    scimWrite: changedUsers,
    userMgmt: 0,
  };
}

/** The ceiling for an incremental run: at most 8 calls per changed user plus 5. */
export const incrementalBudget = (changedUsers: number): number => 8 * changedUsers + 5;

export const totalCalls = (c: Calls): number => c.okta + c.scimRead + c.scimWrite + c.userMgmt;

/** actual / minimum per kind; 1 when both are 0, Infinity when the minimum is 0 and calls were made. */
export function ratio(actual: number, minimum: number): number {
  if (minimum === 0) return actual === 0 ? 1 : Number.POSITIVE_INFINITY;
  return actual / minimum;
}

/** The worst (largest) ratio over the kinds. */
export const worstRatio = (actual: Calls, minimum: Calls): number => Math.max(...CALL_KINDS.map((k) => ratio(actual[k], minimum[k])));

export type WriteRate = {
  writes: number;
  /** (writes - 1) / (last arrival - first arrival): the achieved rate over the write phase. */
  perSecond: number;
  spanMs: number;
  /** Most writes in any sliding second: what a WFM with a sliding-window limit would see. */
  peakSliding: number;
  /** The same once the first STEADY_AFTER_MS of the write phase are over (the start is when the lag from job start to WFM varies most). */
  peakSlidingSteady: number;
};

export const STEADY_AFTER_MS = 5000;

/** The write phase as the WFM saw it, from the arrival times of the writes. */
export function writeRate(arrivals: readonly number[]): WriteRate {
  const sorted = [...arrivals].sort((a, b) => a - b);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const spanMs = first === undefined || last === undefined ? 0 : last - first;
  return {
    writes: sorted.length,
    perSecond: spanMs > 0 ? ((sorted.length - 1) * 1000) / spanMs : 0,
    spanMs,
    peakSliding: peakInWindow(sorted, 1000),
    peakSlidingSteady: peakInWindow(first === undefined ? [] : sorted.filter((t) => t >= first + STEADY_AFTER_MS), 1000),
  };
}

/** Most arrivals in any window of `windowMs` (sliding), over sorted times. */
export function peakInWindow(sorted: readonly number[], windowMs: number): number {
  let peak = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start += 1;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}
