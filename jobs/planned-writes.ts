import type { WriteAction } from '../store/run-children';

/**
 * The writes this process planned and queued, held in memory until their jobs first start. A
 * write job's payload holds ids only (the house rule: no user records in queues), so a job would
 * read its write back from Redis; one started for the first time in the process that planned it
 * takes it from here instead. Only writes the planning registered itself are kept: no earlier job
 * can have recorded an outcome for them. Any other start (another process, a retry, a stall)
 * reads the run's copy in Redis, which is the same write.
 */
export type PlannedWrites = {
  keep(runId: string, actions: readonly WriteAction[]): void;
  /** The write, once: taking it lets it go. */
  take(runId: string, oktaId: string): WriteAction | undefined;
  /** Lets go of what is left of a run (its writes all have outcomes, or the run failed). */
  forget(runId: string): void;
};

export function createPlannedWrites(): PlannedWrites {
  const runs = new Map<string, Map<string, WriteAction>>();
  return {
    keep(runId, actions) {
      if (actions.length === 0) return;
      const kept = runs.get(runId) ?? new Map<string, WriteAction>();
      for (const a of actions) kept.set(a.oktaId, a);
      runs.set(runId, kept);
    },
    take(runId, oktaId) {
      const kept = runs.get(runId);
      const action = kept?.get(oktaId);
      if (action) kept?.delete(oktaId);
      return action;
    },
    forget(runId) {
      runs.delete(runId);
    },
  };
}
