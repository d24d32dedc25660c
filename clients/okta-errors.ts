import { SyncError, isUntrustedCert, kindForStatus, networkCode, secretFileFailure } from './errors';

type OktaLikeError = {
  status?: unknown;
  errorCode?: unknown;
  errorSummary?: unknown;
  errorCauses?: unknown;
  type?: unknown;
  code?: unknown;
  name?: unknown;
  field?: unknown;
};

const SHOWN_CAUSES = 3;
const CAUSE_CHARS = 200;

/**
 * The summaries of the first causes of an Okta error body, on one line: a 400 E0000001 ("Api
 * validation failed") names the parameter at fault only there. Nothing else of the body is kept.
 */
function causesOf(causes: unknown): string {
  if (!Array.isArray(causes)) return '';
  const summaries = causes
    .map((c: unknown) => (typeof c === 'object' && c !== null ? (c as { errorSummary?: unknown }).errorSummary : undefined))
    .filter((s): s is string => typeof s === 'string' && s.trim() !== '')
    .map((s) => s.replace(/\s+/g, ' ').trim().slice(0, CAUSE_CHARS));
  if (summaries.length === 0) return '';
  const more = summaries.length > SHOWN_CAUSES ? `; and ${summaries.length - SHOWN_CAUSES} more` : '';
  return ` (${summaries.slice(0, SHOWN_CAUSES).join('; ')}${more})`;
}

/** What a network failure means, in words, with its code (the error's own message may hold a URL with a login in it). */
function networkReason(e: OktaLikeError, timeoutMs: number | undefined, orgUrl: string | undefined): string {
  if (e.type === 'request-timeout') return timeoutMs === undefined ? 'no answer in time (OKTA_TIMEOUT_MS)' : `no answer within ${timeoutMs} ms (OKTA_TIMEOUT_MS)`;
  if (typeof e.code !== 'string') return 'network error';
  return e.code === 'ECONNRESET' ? 'the connection closed without an answer (ECONNRESET)' : networkCode(e.code, orgUrl === undefined ? undefined : { service: 'okta', url: orgUrl });
}

/**
 * The Okta error fields of a JSON error body the SDK could not read as one: it falls back to a
 * plain HTTP error (message `HTTP <status> <body>`) when the body's `errorCauses` is not a list, or
 * the body is not an object. Only the fields an Okta error names are kept.
 */
function fieldsOfHttpError(e: OktaLikeError & { message?: unknown }): OktaLikeError {
  if (e.name !== 'HttpError' || typeof e.message !== 'string') return e;
  const prefix = `HTTP ${String(e.status)} `;
  if (!e.message.startsWith(prefix)) return e;
  try {
    const body: unknown = JSON.parse(e.message.slice(prefix.length));
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return e;
    const { errorCode, errorSummary, errorCauses } = body as OktaLikeError;
    return { ...e, errorCode, errorSummary, errorCauses: Array.isArray(errorCauses) ? errorCauses : [errorCauses] };
  } catch {
    return e;
  }
}

/** Maps whatever the Okta SDK threw into the taxonomy, with a message that holds no secret. */
export function mapOktaError(err: unknown, what: string, timeoutMs?: number, orgUrl?: string): SyncError {
  if (err instanceof SyncError) return err;
  const fromFile = secretFileFailure(err, 'okta');
  if (fromFile) return fromFile;
  const e = fieldsOfHttpError((typeof err === 'object' && err !== null ? err : {}) as OktaLikeError);
  if (typeof e.status === 'number') {
    const code = typeof e.errorCode === 'string' ? ` ${e.errorCode}` : '';
    // The SDK reads any JSON error body as Okta's, with '' for a summary it lacks (a gateway's or
    // another implementation's body): nothing is said then, rather than a dangling colon.
    const summary = typeof e.errorSummary === 'string' && e.errorSummary.trim() !== '' ? `: ${e.errorSummary.slice(0, 300)}` : '';
    return new SyncError(`Okta ${what} answered ${e.status}${code}${summary}${causesOf(e.errorCauses)}`, {
      kind: kindForStatus(e.status),
      service: 'okta',
      status: e.status,
    });
  }
  // The SDK refuses a call whose required parameter is empty before sending anything: sending
  // it again cannot help.
  if (e.name === 'RequiredError') {
    const field = typeof e.field === 'string' ? e.field : 'a parameter';
    return new SyncError(`Okta ${what} was not sent: ${field} is empty`, { kind: 'invalid', service: 'okta' });
  }
  if (e.name === 'FetchError' || e.type === 'request-timeout' || typeof e.code === 'string') {
    return new SyncError(`Okta ${what} failed: ${networkReason(e, timeoutMs, orgUrl)}`, { kind: typeof e.code === 'string' && isUntrustedCert(e.code) ? 'config' : 'transient', service: 'okta' });
  }
  if (err instanceof SyntaxError) {
    return new SyncError(`Okta ${what} answered a body that is not valid JSON`, { kind: 'transient', service: 'okta' });
  }
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new SyncError(`Okta ${what} failed: ${message}`, { kind: 'transient', service: 'okta' });
}

/**
 * A listed record without an id cannot be told apart or kept in scope: skipping it would make a
 * short pull (its user then looks out of scope, or loses a role), so the pull stops instead.
 */
export function unidentified(what: string): SyncError {
  return new SyncError(`Okta listed ${what} without an id: the listing cannot be trusted, so the pull stops`, { kind: 'incomplete', service: 'okta' });
}
