import { emptyApplied, emptyCounts, type RunKind, type RunReport } from '../sync/report';
import type { JobDeps } from './deps';

/** A finished run, and why it stopped as a whole when it did (kind `config` means exit code 2). */
export type RunOutcome = { report: RunReport; fatal?: { kind: string; message: string } };

/** A run in progress: its report so far and when it started. */
export type RunDraft = { report: RunReport; startedMs: number };

export function startRun(deps: JobDeps, kind: RunKind, dryRun: boolean, runId?: string): RunDraft {
  const startedMs = deps.now();
  return {
    startedMs,
    report: {
      runId: runId ?? deps.newRunId(kind),
      kind,
      dryRun,
      startedAt: new Date(startedMs).toISOString(),
      finishedAt: '',
      planned: emptyCounts(),
      applied: emptyApplied(),
      failed: [],
      conflicts: [],
      retries: 0,
      durationMs: 0,
    },
  };
}

/** Stamps the end time and keeps the report in the run history. */
export async function finishRun(deps: JobDeps, draft: RunDraft): Promise<RunReport> {
  const finished = deps.now();
  draft.report.finishedAt = new Date(finished).toISOString();
  draft.report.durationMs = finished - draft.startedMs;
  await deps.history.save(draft.report);
  return draft.report;
}
