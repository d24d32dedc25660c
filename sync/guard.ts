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
  /**
   * Users deactivated by earlier unattended runs within the window (DEACTIVATION_WINDOW, shown as
   * `window`); they are inactive now, so not among `managedActive`.
   */
  recent?: Readonly<{ deactivations: number; window: string }>;
}>;

export type GuardRule = 'max-count' | 'max-percent' | 'pull-drop' | 'window';
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
  const windowed = overWindow(input, limits, trips);
  if (windowed) trips.push(windowed);
  return trips;
}

/**
 * Whether this run's deactivations and those of earlier unattended runs within the window together
 * exceed a limit that this run alone does not: a stream of leavers spread over many runs (a group
 * change Okta applies gradually, a filter that loses a few users an hour) is held as one mass
 * deactivation would be. The share is of the managed users active before the window's deactivations.
 */
function overWindow(input: GuardInput, limits: GuardLimits, tripped: readonly GuardTrip[]): GuardTrip | undefined {
  const earlier = input.recent?.deactivations ?? 0;
  if (earlier <= 0 || input.recent === undefined) return undefined;
  const n = input.deactivations;
  const total = n + earlier;
  const base = input.managedActive + earlier;
  const over: string[] = [];
  if (total > limits.maxCount && !tripped.some((t) => t.rule === 'max-count')) over.push(`DEACTIVATION_MAX_COUNT=${limits.maxCount}`);
  if (total * 100 > limits.maxPercent * base && !tripped.some((t) => t.rule === 'max-percent')) {
    over.push(`DEACTIVATION_MAX_PERCENT=${limits.maxPercent} (${pct(total, base)} of ${base} managed WFM users)`);
  }
  if (over.length === 0) return undefined;
  return {
    rule: 'window',
    detail: `${n} ${n === 1 ? 'deactivation' : 'deactivations'} now and ${earlier} by off-boarding in the last ${input.recent.window} (DEACTIVATION_WINDOW) make ${total}, more than ${over.join(' and ')}`,
  };
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
