/** The queues, under QUEUE_PREFIX: runs, fanned-out WFM writes, and off-boarding (never behind a long sync). */
export const QUEUE_NAMES = { sync: 'sync', writes: 'wfm-writes', offboarding: 'offboarding' } as const;
export type QueueKey = keyof typeof QUEUE_NAMES;

/** The kinds of run a trigger or a schedule can ask for, and the queue each runs on. */
export const RUN_QUEUES = {
  'full-sync': 'sync',
  'incremental-sync': 'sync',
  'resync-user': 'sync',
  offboard: 'offboarding',
} as const satisfies Record<string, QueueKey>;
export type RunJobKind = keyof typeof RUN_QUEUES;

export const SCHEDULED_KINDS = ['full-sync', 'incremental-sync', 'offboard'] as const;
export type ScheduledKind = (typeof SCHEDULED_KINDS)[number];

/** The scheduler id (and tick job name) of a scheduled kind. */
export const scheduleId = (kind: ScheduledKind): string => `schedule.${kind}`;
