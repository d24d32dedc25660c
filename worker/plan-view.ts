import { sideShort } from '../sync/explain';
import type { Failure, RunReport } from '../sync/report';
import type { Action } from '../sync/types';
import { unkeptAdvice } from '../sync/unkept';
import { csvLine } from './csv';
import { count, formatTable, printable } from './table';

/** The actions a person reviews, in the order a plan is read; noops are only counted. */
const GROUPS = ['create', 'update', 'reactivate', 'conflict'] as const;

export type PlanView = { report: RunReport; actions: readonly Action[] };

const cannotMap = (report: RunReport): Failure[] => report.failed.filter((f) => f.action === 'map');

/** The plan for scripts: every action but the noops (counted in `planned`), each change with its side. */
export function planJson({ report, actions }: PlanView): string {
  const { edited: _edited, ...changedBy } = report.drift ?? { edited: [] };
  return JSON.stringify({
    runId: report.runId,
    planned: report.planned,
    changedBy,
    ...(report.unkept ? { unkept: report.unkept } : {}),
    ...(report.unchangeable ? { unchangeable: report.unchangeable } : {}),
    actions: actions.filter((a) => a.type !== 'noop').map((a) => {
      const { desired: _d, current: _c, ...rest } = a as Action & { desired?: unknown; current?: unknown };
      return a.type === 'create' ? { ...rest, role: a.desired.attrs['roles.primary'] } : rest;
    }),
    cannotMap: cannotMap(report),
  });
}

/** One CSV line per changed field (a create, a conflict or a user that cannot be mapped: one line). */
export function planCsv({ report, actions }: PlanView): string[] {
  const lines = [csvLine(['action', 'userName', 'oktaId', 'wfmId', 'field', 'wfmNow', 'oktaWants', 'side', 'reason'])];
  for (const a of actions) {
    if (a.type === 'noop') continue;
    const wfmId = 'wfmId' in a ? a.wfmId : '';
    if (a.type === 'update' || a.type === 'reactivate') {
      for (const c of a.changes) lines.push(csvLine([a.type, a.userName, a.oktaId, wfmId, c.path, c.from, c.to, c.side, a.reason]));
      if (a.changes.length === 0) lines.push(csvLine([a.type, a.userName, a.oktaId, wfmId, '', '', '', '', a.reason]));
    } else lines.push(csvLine([a.type, a.userName, a.oktaId, wfmId, '', '', '', '', a.reason]));
  }
  for (const f of cannotMap(report)) lines.push(csvLine(['cannot-map', f.userName, f.oktaId, '', '', '', '', '', f.error]));
  return lines;
}

function groupTable(type: (typeof GROUPS)[number], actions: readonly Action[]): string[] {
  if (type === 'create') {
    return formatTable(['USER', 'OKTA ID', 'ROLE'], actions.flatMap((a) => (a.type === 'create' ? [[a.userName, a.oktaId, printable(a.desired.attrs['roles.primary'])]] : [])));
  }
  if (type === 'conflict') return formatTable(['USER', 'OKTA ID', 'REASON'], actions.map((a) => [a.userName, a.oktaId, a.reason]));
  const rows = actions.flatMap((a) => {
    if (a.type !== 'update' && a.type !== 'reactivate') return [];
    if (a.changes.length === 0) return [[a.userName, '', '', '', a.reason]];
    return a.changes.map((c, i) => [i === 0 ? a.userName : '', c.path, printable(c.from), printable(c.to), sideShort(c.side)]);
  });
  return formatTable(['USER', 'FIELD', 'WFM NOW', 'OKTA (NEXT)', 'CHANGED'], rows);
}

/** The plan as a person reads it: a summary line, then one table per kind of action. */
export function planText({ report, actions }: PlanView): string[] {
  const p = report.planned;
  const failedMap = cannotMap(report);
  const lines = [
    `Plan of the next full run (dry run ${report.runId}: nothing written)`,
    `  ${count(p.create)} create, ${count(p.update)} update, ${count(p.reactivate)} reactivate, ${count(p.conflict)} conflict, ${count(p.noop)} unchanged, ${count(failedMap.length)} cannot be mapped`,
  ];
  const d = report.drift;
  if (d && d.okta + d.wfm + d.both > 0) {
    lines.push(`  changes by side: ${count(d.okta)} changed in Okta, ${count(d.wfm)} edited in the WFM, ${count(d.both)} both`);
  }
  if (d && d.wfm + d.both > 0) lines.push(`  WFM edit: changed in the WFM since our last write; the run puts Okta's value back`);
  if (report.unkept) {
    lines.push(`  not kept by the WFM: ${report.unkept.join(', ')} (no WFM user holds it, and the WFM's answers drop it or none says yet: not written again for it; ${unkeptAdvice(report.unkept)})`);
  }
  if (report.unchangeable) {
    lines.push(`  not changed by the WFM: ${report.unchangeable.join(', ')} (its answers to updates left them as they were: changes to them are not written)`);
  }
  for (const type of GROUPS) {
    const group = actions.filter((a) => a.type === type);
    if (group.length > 0) lines.push('', `${type} (${count(group.length)})`, ...groupTable(type, group));
  }
  if (failedMap.length > 0) {
    lines.push('', `cannot be mapped (${count(failedMap.length)})`, ...formatTable(['USER', 'OKTA ID', 'REASON'], failedMap.map((f) => [f.userName, f.oktaId, f.error])));
  }
  return lines;
}
