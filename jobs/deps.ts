import type { Logger } from 'winston';
import type { OktaSource } from '../clients/okta';
import type { ScimClient } from '../clients/scim';
import type { WfmApi } from '../clients/wfm-api';
import type { AppConfig } from '../config/load-config';
import type { AuditLog } from '../store/audit';
import type { RunHistory } from '../store/run-history';
import type { Writer } from './writer';

/** Everything a job handler may use, built once by the composition root (worker/main.ts). */
export type JobDeps = Readonly<{
  config: AppConfig;
  okta: OktaSource;
  scim: ScimClient;
  wfmApi: WfmApi;
  history: RunHistory;
  audit: AuditLog;
  logger: Logger;
  writer: Writer;
  now: () => number;
  newRunId: (kind: string) => string;
}>;
