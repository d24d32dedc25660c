// Whether off-boarding can run with these settings, and if not, why: it deactivates through the
// WFM's user-management API, and finds who left by reading the whole WFM user listing.

export const WFM_API_NOT_SET = 'the WFM user-management API is not configured (WFM_API_URL, WFM_ACCESS_KEY_ID, WFM_ACCESS_KEY_SECRET)';

export const LISTING_NOT_READ = 'it needs the WFM user listing (GET /Users) to find who left, and WFM_READ_MODE=lookup reads users one by one; set WFM_READ_MODE=list';

/** What to log of users who left scope while off-boarding is off; undefined when it can run (they are handed to it). */
export function leaversStay(wfm: Parameters<typeof offboardingOff>[0]): string | undefined {
  const off = offboardingOff(wfm);
  return off === undefined ? undefined : `users left scope, and stay active in the WFM: off-boarding is off: ${off}`;
}

/** Why off-boarding is off with these WFM settings; undefined when it can run. */
export function offboardingOff(wfm: Readonly<{ api?: unknown; readMode: 'list' | 'lookup' }>): string | undefined {
  if (wfm.api === undefined) return WFM_API_NOT_SET;
  return wfm.readMode === 'lookup' ? LISTING_NOT_READ : undefined;
}
