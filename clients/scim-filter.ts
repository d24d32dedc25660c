import { ExternalIdFilterRefusedError, externalIdFilterRefused, isSyncError, type SyncError } from './errors';

/**
 * How a WFM answers a filter it does not support: 400 with scimType invalidFilter (RFC 7644
 * §3.4.2.2), 400 with no scimType, or 501. Another 400 (invalidValue, tooMany) is not that.
 */
export function refusesFilter(err: unknown): err is SyncError {
  if (!isSyncError(err)) return false;
  if (err.status === 501) return true;
  return err.status === 400 && (err.scimType === undefined || err.scimType.toLowerCase() === 'invalidfilter');
}

/** The refusal of the externalId filter, from the answer that refused it (or a copy of a refusal, for a later search). */
export function externalIdRefusal(answer: SyncError): ExternalIdFilterRefusedError {
  return new ExternalIdFilterRefusedError(externalIdFilterRefused(answer) ? answer.answer : answer.message, {
    kind: 'invalid',
    service: 'wfm-scim',
    ...(answer.status !== undefined ? { status: answer.status } : {}),
    ...(answer.scimType !== undefined ? { scimType: answer.scimType } : {}),
  });
}

/** RFC 7644 §3.4.2.2: a filter value is a JSON string literal, so quotes and backslashes are escaped. */
export function filterValue(value: string): string {
  return JSON.stringify(value);
}
