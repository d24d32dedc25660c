/**
 * The closed error taxonomy. Every client maps its failures into one of these kinds in one place,
 * so the rest of the code decides on `kind` alone: transient ones are retried, the others are not.
 */
import { redact } from '../config/redact';
import { SecretFileError } from '../config/secret';

export type ErrorKind =
  | 'transient' // network, timeout, 429, 5xx: retry with backoff
  | 'auth' // 401/403: stop the run before any write
  | 'not-found' // 404
  | 'conflict' // 409, 412
  | 'invalid' // 400 and bad data from either side
  | 'incomplete' // a pull that did not finish or cannot be trusted: stop before any write
  | 'config'; // a setting that cannot work

export type Service = 'okta' | 'wfm-scim' | 'wfm-api' | 'redis' | 'local';

export type SyncErrorInit = {
  kind: ErrorKind;
  service: Service;
  status?: number;
  retryAfterMs?: number;
  scimType?: string;
};

export class SyncError extends Error {
  readonly kind: ErrorKind;
  readonly service: Service;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly scimType: string | undefined;

  constructor(message: string, init: SyncErrorInit) {
    // The message may hold a service's own text, which may repeat the credential it refused.
    super(redact(message));
    this.name = 'SyncError';
    this.kind = init.kind;
    this.service = init.service;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.scimType = init.scimType;
  }
}

/**
 * What findByExternalId throws on a WFM that does not filter users by externalId. RFC 7644
 * §3.4.2.2 lets a server refuse a filter it does not support; servers built for Okta's own
 * provisioning filter by userName alone. Callers go on by userName where that is safe, or stop.
 */
export class ExternalIdFilterRefusedError extends SyncError {
  /** How the WFM refused it: method, path, status and the WFM's detail. */
  readonly answer: string;

  constructor(answer: string, init: SyncErrorInit) {
    super(`the WFM refuses filtering users by externalId: ${answer}`, init);
    this.answer = answer;
  }
}

/** Whether the WFM does not filter users by externalId (what findByExternalId threw says so). */
export function externalIdFilterRefused(err: unknown): err is ExternalIdFilterRefusedError {
  return err instanceof ExternalIdFilterRefusedError;
}

/** A secret file unreadable when its secret was needed: a configuration problem naming the setting, not one to retry. */
export function secretFileFailure(err: unknown, service: Service): SyncError | undefined {
  return err instanceof SecretFileError ? new SyncError(err.message, { kind: 'config', service }) : undefined;
}

export function isSyncError(err: unknown): err is SyncError {
  return err instanceof SyncError;
}

export function isTransient(err: unknown): boolean {
  return isSyncError(err) && err.kind === 'transient';
}

/** Maps an HTTP status into the taxonomy. */
export function kindForStatus(status: number): ErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 408 || status === 429 || status >= 500) return 'transient';
  return 'invalid';
}

/** Node's codes for a server certificate this process does not trust (or that does not fit). */
const UNTRUSTED_CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Whether a network failure is the server's TLS certificate: a setting to fix, not a failure to retry. */
export const isUntrustedCert = (code: string): boolean => UNTRUSTED_CERT_CODES.has(code);

/** A network failure's code, with what to do when it is the server's TLS certificate. */
export function networkCode(code: string, at?: Readonly<{ service: Service; url: string }>): string {
  if (UNTRUSTED_CERT_CODES.has(code)) {
    return `${code}: the server's TLS certificate is not trusted here (for a private CA, point NODE_EXTRA_CA_CERTS at its certificate; otherwise the certificate needs fixing)`;
  }
  if (at === undefined || !UNREACHED_CODES.has(code)) return code;
  let url: URL;
  try {
    url = new URL(at.url);
  } catch {
    return code;
  }
  // No such host, or nothing listening there: most often the URL's own mistake, so it and its setting are named.
  const what = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? `no host ${url.hostname} is known here` : `nothing answers at ${url.origin}`;
  const setting = URL_SETTINGS[at.service];
  return `${code}: ${what}${setting !== undefined ? `; check ${setting}` : ''}`;
}

/** Network failures that mean the service was not reached at all. */
const UNREACHED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The setting that holds each service's URL. */
const URL_SETTINGS: Readonly<Record<Service, string | undefined>> = { okta: 'OKTA_ORG_URL', 'wfm-scim': 'WFM_SCIM_URL', 'wfm-api': 'WFM_API_URL', redis: 'REDIS_URL', local: undefined };

/** A one-line reason for a report or a log, never a stack or a payload. */
export function describeError(err: unknown): string {
  return redact(err instanceof Error ? err.message : String(err));
}

/**
 * Parses Retry-After (delta seconds or an HTTP date) into milliseconds from `now`.
 * Returns undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined | null, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
