/** The blast-radius guard of off-boarding: pure, so every rule is a table test. */

export type GuardLimits = Readonly<{ maxPercent: number; maxCount: number }>;

export type GuardInput = Readonly<{
  /** Deactivations the run would make. */
  deactivations: number;
  /** Active WFM users linked to Okta. */
  managedActive: number;
  /** Users in scope in this run's Okta pull. */
  inScopeNow: number;
  /** Users in scope in the last good pull, when one is known. */
  inScopeBefore?: number;
}>;

export type GuardRule = 'max-count' | 'max-percent' | 'pull-drop';
export type GuardTrip = Readonly<{ rule: GuardRule; detail: string }>;

const pct = (part: number, whole: number): string => `${whole === 0 ? 0 : Math.round((part * 1000) / whole) / 10}%`;

/**
 * The rules a run trips, none when it may go ahead. Nothing to deactivate trips nothing. Percentages
 * compare in whole numbers (part * 100 > limit * whole) so a limit is never missed by rounding.
 */
export function checkBlastRadius(input: GuardInput, limits: GuardLimits): GuardTrip[] {
  const n = input.deactivations;
  if (n <= 0) return [];
  const trips: GuardTrip[] = [];
  if (n > limits.maxCount) {
    trips.push({ rule: 'max-count', detail: `${n} deactivations exceed DEACTIVATION_MAX_COUNT=${limits.maxCount}` });
  }
  if (n * 100 > limits.maxPercent * input.managedActive) {
    trips.push({
      rule: 'max-percent',
      detail: `${n} of ${input.managedActive} managed active WFM users (${pct(n, input.managedActive)}) exceed DEACTIVATION_MAX_PERCENT=${limits.maxPercent}`,
    });
  }
  const drop = pullDrop(input.inScopeBefore, input.inScopeNow, limits.maxPercent);
  if (drop) trips.push(drop);
  return trips;
}

/**
 * Whether the in-scope count fell by more than `maxPercent` since the last good pull: the mark of
 * a pull that lost people it should not have (a group unassigned by mistake, a bad filter).
 */
export function pullDrop(before: number | undefined, now: number, maxPercent: number): GuardTrip | undefined {
  if (before === undefined || before <= 0 || (before - now) * 100 <= maxPercent * before) return undefined;
  return {
    rule: 'pull-drop',
    detail: `the Okta in-scope count fell from ${before} to ${now} (-${pct(before - now, before)}) since the last good pull, more than DEACTIVATION_MAX_PERCENT=${maxPercent}`,
  };
}

/** One message a person can act on: what tripped, that nothing changed, and how to proceed. */
export function guardMessage(trips: readonly GuardTrip[], opts: Readonly<{ planId?: string; expiresAt?: string }>): string {
  const what = trips.map((t) => t.detail).join('; ');
  const proceed =
    opts.planId !== undefined
      ? `Review its users with \`okta-wfm-sync approve ${opts.planId} --dry-run --json\`, then apply exactly this plan with \`okta-wfm-sync approve ${opts.planId}\`${opts.expiresAt ? ` before ${opts.expiresAt}` : ''}, or fix Okta and run again.`
      : 'Dry run: no plan was saved. Run without --dry-run to save a plan for `okta-wfm-sync approve`, or fix Okta and run again.';
  return `Off-boarding guard tripped: ${what}. Nothing was deactivated. ${proceed}`;
}
