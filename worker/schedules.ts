import type { AppConfig } from '../config/load-config';
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
