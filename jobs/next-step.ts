import { describeError, isSyncError, type SyncError } from '../clients/errors';

/** What a person should do about an error that stopped a whole run, by its kind and service. */
function nextStep(err: SyncError): string | undefined {
  if (err.kind === 'auth') {
    if (err.service === 'okta') return 'check OKTA_API_TOKEN (or the service app: OKTA_CLIENT_ID, its key and scopes) and that its admin is still active';
    if (err.service === 'wfm-scim') return 'check WFM_SCIM_TOKEN (the WFM may have rotated or revoked it)';
    if (err.service === 'wfm-api') return 'check WFM_ACCESS_KEY_ID and WFM_ACCESS_KEY_SECRET';
    return undefined;
  }
  if (err.kind === 'transient' && err.status === 429) {
    return err.service === 'okta'
      ? 'Okta kept answering 429 after retries: the org\'s rate limit is used up by other clients too; raise OKTA_RATE_RESERVE or lower OKTA_CONCURRENCY, then run again'
      : 'the WFM kept answering 429 after retries; lower WFM_MAX_RPS and WFM_CONCURRENCY, then run again';
  }
  if (err.kind === 'transient') return 'the service did not answer after retries; run again once it does (the next run finishes what this one did not)';
  if (err.kind === 'incomplete') return 'the run stopped before any write; run again, and see "Troubleshooting" in the README if it repeats';
  return undefined;
}

/** Messages that already say what to do are left as they are. */
const SAYS_WHAT_TO_DO = /\b(check|run again|start one|fix)\b/i;

/**
 * The one line a person sees when a run stops as a whole: what happened and what to do next.
 * Never a stack: that is only logged at debug level.
 */
export function withNextStep(err: unknown): string {
  const message = (describeError(err).split('\n')[0] ?? '').replace(/\.$/, '');
  if (SAYS_WHAT_TO_DO.test(message)) return message;
  const step = isSyncError(err) ? nextStep(err) : 'an unexpected error; run again with LOG_LEVEL=debug to see where it happened';
  return step === undefined ? message : `${message}; ${step}`;
}
