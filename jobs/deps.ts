import type { Redis } from 'ioredis';
import type { Logger } from 'winston';
import type { OktaSource } from '../clients/okta';
import type { ScimClient } from '../clients/scim';
import type { WfmApi } from '../clients/wfm-api';
import type { AppConfig } from '../config/app-config';
import type { AuditLog } from '../store/audit';
import type { RunHistory } from '../store/run-history';
import type { PlannedWrites } from './planned-writes';
import type { Writer } from './writer';

/** Where a run is: the phase, and for counted phases how far (`total` when known). */
export type ProgressEvent = Readonly<{ phase: 'okta' | 'wfm' | 'plan' | 'write'; done: number; total?: number; finished?: boolean }>;

/** Everything a job handler may use, built once by the composition root (worker/main.ts). */
export type JobDeps = Readonly<{
  config: AppConfig;
  okta: OktaSource;
  scim: ScimClient;
  /** The user-management API; undefined when WFM_API_URL is not set (no off-boarding). */
  wfmApi?: WfmApi;
  history: RunHistory;
  audit: AuditLog;
  logger: Logger;
  /** Our own state in Redis; store/ modules are built on it with config.redis.prefix. */
  redis: Redis;
  /**
   * Asks for an off-boarding run soon for these Okta ids (users seen leaving scope). The worker
   * enqueues the offboard job; in-process it only logs, since `offboard --once` is its own command.
   */
  requestOffboard: (reason: string, oktaIds: readonly string[]) => Promise<void>;
  writer: Writer;
  /** The writes this process queued, for their jobs' first start here; none in-process (no queue). */
  plannedWrites?: PlannedWrites;
  now: () => number;
  newRunId: (kind: string) => string;
  /** Told where a sync run is, for a progress display (the CLI on a terminal); none in the worker. */
  onProgress?: (event: ProgressEvent) => void;
}>;
