import { safe } from './printable';
import type { DriftSummary } from './drift';
import type { Action, ActionType } from './types';

export type RunKind = 'full-sync' | 'incremental-sync' | 'resync-user' | 'offboard';
export type Counts = Record<Exclude<ActionType, never>, number>;
export type AppliedCounts = { create: number; update: number; reactivate: number; deactivate: number };
/** `kind`: of a write's failure, the error kind (clients/errors), when it came from one. */
export type Failure = { oktaId: string; userName: string; action: string; error: string; kind?: string };
export type ConflictEntry = { oktaId: string; userName: string; candidates: readonly string[]; reason: string };
/** An off-boarding run's user: deactivated, or one it would deactivate (a dry run, a plan a guard kept). */
export type DeactivationEntry = { oktaId: string; userName: string; wfmId: string; reason?: string };

export type RunReport = {
  runId: string;
  kind: RunKind;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  planned: Counts;
  applied: AppliedCounts;
  failed: Failure[];
  conflicts: ConflictEntry[];
  retries: number;
  durationMs: number;
  /** Set when the run stopped as a whole (auth failure, incomplete pull, guard). */
  error?: string;
  /** Off-boarding: WFM users with no Okta link, never touched. */
  unmanaged?: number;
  /** Off-boarding: users out of scope for less than OFFBOARD_GRACE, left alone this run. */
  inGrace?: number;
  /** Off-boarding: the users it deactivated; in a dry run, those its re-check confirmed it would deactivate. */
  deactivations?: DeactivationEntry[];
  /** A stored report keeps the first deactivations only: how many there were, when more. */
  deactivationsTotal?: number;
  /** Off-boarding stopped by a guard: the users of the plan it kept (`planId`), not re-checked yet and not deactivated. */
  heldByGuard?: DeactivationEntry[];
  /** A stored report keeps the first held users only: how many there were, when more. */
  heldByGuardTotal?: number;
  /** Off-boarding: the saved plan a guard kept (approve it with `okta-wfm-sync approve <planId>`), or the one applied. */
  planId?: string;
  /** Sync runs: the users with changes by the side that moved them (Okta, or the WFM: drift). */
  drift?: DriftSummary;
  /** Sync runs: owned attributes the WFM does not keep, whose values dropped by it were not written again (sync/unkept.ts). */
  unkept?: string[];
  /**
   * Sync runs: owned attributes the WFM's answers showed it does not change once set (it answered
   * updates with the values held before: sync/unchangeable.ts). Changes to them are left out (the
   * users wait, named in `warnings`), but one probe's once the answers are 36 hours old.
   */
  unchangeable?: string[];
  /** What an admin should know that stopped nothing (a System Log checkpoint that could not be used). */
  warnings?: string[];
  /** A stored report keeps the first failures only: how many there were, when more. */
  failedTotal?: number;
  /** A stored report keeps the first conflicts only: how many there were, when more. */
  conflictsTotal?: number;
};

export const emptyCounts = (): Counts => ({ create: 0, update: 0, reactivate: 0, deactivate: 0, noop: 0, conflict: 0 });
export const emptyApplied = (): AppliedCounts => ({ create: 0, update: 0, reactivate: 0, deactivate: 0 });

export function countPlanned(actions: readonly Action[]): Counts {
  const counts = emptyCounts();
  for (const a of actions) counts[a.type] += 1;
  return counts;
}

export function conflictsOf(actions: readonly Action[]): ConflictEntry[] {
  return actions.flatMap((a) =>
    a.type === 'conflict' ? [{ oktaId: a.oktaId, userName: a.userName, candidates: a.candidates, reason: a.reason }] : [],
  );
}

/** Exit code of a finished run: 0 all applied, 1 some users failed, 3 a guard stopped it. */
export function exitCodeOf(report: Pick<RunReport, 'failed' | 'error'>, guardTripped = false): number {
  if (guardTripped) return 3;
  if (report.error !== undefined) return 1;
  return report.failed.length > 0 ? 1 : 0;
}

export function summarise(report: RunReport): string {
  const p = report.planned;
  const a = report.applied;
  // Off-boarding only deactivates: its creates, updates and conflicts would always read 0.
  const offboard = report.kind === 'offboard';
  const lines = [
    `Run ${report.runId}${report.dryRun ? ' (dry run: nothing written)' : ''} in ${(report.durationMs / 1000).toFixed(1)} s`,
    offboard
      ? `  planned: ${p.deactivate} deactivate, ${p.noop} unchanged`
      : `  planned: ${p.create} create, ${p.update} update, ${p.reactivate} reactivate, ${p.deactivate} deactivate, ${p.noop} unchanged, ${p.conflict} conflict`,
    // A dry run's zero writes are not news, and a row of zeros reads as "nothing to do".
    report.dryRun
      ? '  applied: none (dry run)'
      : offboard
        ? `  applied: ${a.deactivate} deactivate`
        : `  applied: ${a.create} create, ${a.update} update, ${a.reactivate} reactivate, ${a.deactivate} deactivate`,
  ];
  const extra = [
    report.unmanaged !== undefined ? `${report.unmanaged} unmanaged (no Okta link, not touched)` : '',
    report.inGrace !== undefined && report.inGrace > 0 ? `${report.inGrace} out of scope within the grace period` : '',
    report.planId !== undefined ? `plan ${report.planId}` : '',
  ].filter((s) => s !== '');
  if (extra.length > 0) lines.push(`  ${extra.join(', ')}`);
  lines.push(...deactivationLines(report));
  for (const w of report.warnings ?? []) lines.push(`  warning: ${safe(w)}`);
  lines.push(...driftLines(report.drift));
  if (report.failed.length > 0) {
    const total = report.failedTotal ?? report.failed.length;
    lines.push(`  failed: ${total}`);
    for (const f of report.failed.slice(0, 20)) lines.push(`    ${f.action} ${safe(f.userName)} (${safe(f.oktaId)}): ${safe(f.error)}`);
    if (total > 20) lines.push(`    ... and ${total - 20} more (see --json${report.failedTotal !== undefined ? `, which keeps the first ${report.failed.length}` : ''})`);
  }
  for (const c of report.conflicts.slice(0, 20)) lines.push(`  conflict ${safe(c.userName)} (${safe(c.oktaId)}): ${safe(c.reason)}`);
  const conflicts = report.conflictsTotal ?? report.conflicts.length;
  if (conflicts > 20) lines.push(`  ... and ${conflicts - 20} more conflicts (see --json)`);
  if (report.error !== undefined) lines.push(`  stopped: ${safe(report.error)}`);
  return lines.join('\n');
}

/** Off-boarding's users by name: who went, who would go (a dry run), or who a guard held. */
function deactivationLines(report: RunReport): string[] {
  const named = (label: string, users: readonly DeactivationEntry[], total: number, kept: boolean): string[] => {
    if (total === 0) return [];
    const lines = [`  ${label}: ${total}`];
    for (const u of users.slice(0, 20)) {
      lines.push(`    ${safe(u.userName)} (${safe(u.oktaId)}), WFM user ${safe(u.wfmId)}${u.reason !== undefined ? `: ${safe(u.reason)}` : ''}`);
    }
    if (total > 20) lines.push(`    ... and ${total - 20} more (see --json${kept ? `, which keeps the first ${users.length}` : ''})`);
    return lines;
  };
  const done = report.deactivations ?? [];
  const held = report.heldByGuard ?? [];
  return [
    ...named(report.dryRun ? 'would deactivate' : 'deactivated', done, report.deactivationsTotal ?? done.length, report.deactivationsTotal !== undefined),
    ...named(`held by the guard${report.planId ? ` in plan ${safe(report.planId)}` : ''}, not deactivated`, held, report.heldByGuardTotal ?? held.length, report.heldByGuardTotal !== undefined),
  ];
}

/** The drift part of the summary: Okta-side changes apart from edits made in the WFM. */
function driftLines(drift: DriftSummary | undefined): string[] {
  if (drift === undefined || drift.okta + drift.wfm + drift.both + drift.unknown === 0) return [];
  const parts = [`${drift.okta} changed in Okta`, `${drift.wfm} edited in the WFM`];
  if (drift.both > 0) parts.push(`${drift.both} changed on both sides`);
  if (drift.unknown > 0) parts.push(`${drift.unknown} with no record of our last write`);
  const lines = [`  changes by side: ${parts.join(', ')}`];
  for (const e of drift.edited.slice(0, 20)) lines.push(`    edited in the WFM: ${safe(e.userName)} (${safe(e.fields.join(', '))}): Okta's values win`);
  if (drift.wfm + drift.both > 20) lines.push(`    ... and ${drift.wfm + drift.both - 20} more (see --json or okta-wfm-sync audit)`);
  return lines;
}
