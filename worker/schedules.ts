import type { AppConfig } from '../config/app-config';
import { RUN_QUEUES, SCHEDULED_KINDS, scheduleId } from '../jobs/queue-names';
import type { Queues } from './queues';

export type ScheduleChange = { kind: string; action: 'upserted' | 'removed'; pattern?: string };

/**
 * Makes Redis hold exactly the schedules the configuration asks for: one job scheduler per
 * scheduled kind (upserting by id keeps a restart from adding a second), and none for a kind whose
 * cron is `off`. Each scheduler adds a tick job whose handler triggers the run, so scheduled and
 * manual runs go through the same deduplication.
 */
export async function applySchedules(queues: Queues, config: AppConfig): Promise<ScheduleChange[]> {
  const changes: ScheduleChange[] = [];
  for (const kind of SCHEDULED_KINDS) {
    const queue = queues[RUN_QUEUES[kind]];
    const id = scheduleId(kind);
    const pattern = config.worker.schedules[kind];
    if (pattern !== undefined) {
      await queue.upsertJobScheduler(id, { pattern, tz: config.worker.timeZone }, { name: id, data: { kind }, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } });
      changes.push({ kind, action: 'upserted', pattern });
    } else if (await queue.removeJobScheduler(id)) {
      changes.push({ kind, action: 'removed' });
    }
  }
  return changes;
}

/** A schedule as Redis holds it: its cron and time zone, and when it next fires (none: no scheduler). */
export type ScheduleState = { kind: string; pattern?: string; tz?: string; next?: string };

/** The schedules the last worker start left in Redis, for `status`. */
export async function readSchedules(queues: Queues): Promise<ScheduleState[]> {
  const states: ScheduleState[] = [];
  for (const kind of SCHEDULED_KINDS) {
    const scheduler = await queues[RUN_QUEUES[kind]].getJobScheduler(scheduleId(kind));
    states.push({
      kind,
      ...(scheduler?.pattern !== undefined ? { pattern: scheduler.pattern } : {}),
      ...(scheduler?.tz !== undefined ? { tz: scheduler.tz } : {}),
      ...(scheduler?.next !== undefined ? { next: new Date(Number(scheduler.next)).toISOString() } : {}),
    });
  }
  return states;
}
