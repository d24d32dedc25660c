import { checkBlastRadius, guardMessage, pullDrop, type GuardInput } from '../../sync/guard';

const limits = { maxPercent: 10, maxCount: 50 };
const input = (over: Partial<GuardInput>): GuardInput => ({ deactivations: 0, managedActive: 100, inScopeNow: 100, ...over });

describe('checkBlastRadius', () => {
  it.each<[string, Partial<GuardInput>, string[]]>([
    ['nothing to deactivate trips nothing, whatever the counts', { deactivations: 0, managedActive: 0, inScopeNow: 0, inScopeBefore: 1000 }, []],
    ['exactly the percentage is allowed', { deactivations: 10 }, []],
    ['one more than the percentage trips it', { deactivations: 11 }, ['max-percent']],
    ['a fraction over the percentage trips it (no rounding)', { deactivations: 11, managedActive: 109 }, ['max-percent']],
    ['a fraction under the percentage does not', { deactivations: 10, managedActive: 100 }, []],
    ['exactly the count is allowed', { deactivations: 50, managedActive: 1000 }, []],
    ['one more than the count trips it', { deactivations: 51, managedActive: 1000 }, ['max-count']],
    ['both limits at once', { deactivations: 60, managedActive: 100 }, ['max-count', 'max-percent']],
    ['one user of a tiny WFM is more than 10%', { deactivations: 1, managedActive: 5 }, ['max-percent']],
    ['no managed users at all cannot be deactivated from', { deactivations: 1, managedActive: 0 }, ['max-percent']],
    ['a pull that fell by more than the percentage trips', { deactivations: 1, managedActive: 1000, inScopeNow: 89, inScopeBefore: 100 }, ['pull-drop']],
    ['a pull that fell by exactly the percentage does not', { deactivations: 1, managedActive: 1000, inScopeNow: 90, inScopeBefore: 100 }, []],
    ['a pull that grew does not', { deactivations: 1, managedActive: 1000, inScopeNow: 150, inScopeBefore: 100 }, []],
    ['no earlier pull known: nothing to compare', { deactivations: 1, managedActive: 1000, inScopeNow: 1 }, []],
    ['an empty earlier pull is no baseline', { deactivations: 1, managedActive: 1000, inScopeNow: 1, inScopeBefore: 0 }, []],
    ['10% of 15 is 1.5: one may go', { deactivations: 1, managedActive: 15 }, []],
    ['10% of 15 is 1.5: two may not (never rounded up)', { deactivations: 2, managedActive: 15 }, ['max-percent']],
    ['everybody leaving', { deactivations: 40, managedActive: 40, inScopeNow: 0, inScopeBefore: 40 }, ['max-percent', 'pull-drop']],
    ['40% gone: every rule', { deactivations: 60, managedActive: 150, inScopeNow: 90, inScopeBefore: 150 }, ['max-count', 'max-percent', 'pull-drop']],
  ])('%s', (_name, over, rules) => {
    expect(checkBlastRadius(input(over), limits).map((t) => t.rule)).toEqual(rules);
  });

  const recent = (deactivations: number) => ({ recent: { deactivations, window: '1d' } });
  it.each<[string, Partial<GuardInput>, string[]]>([
    ['earlier runs within the window add up to the count', { deactivations: 5, managedActive: 1000, ...recent(45) }, []],
    ['one more over the window trips it', { deactivations: 6, managedActive: 1000, ...recent(45) }, ['window']],
    ['the share is of those active before the window: 5 + 5 of 100 is allowed', { deactivations: 5, managedActive: 95, ...recent(5) }, []],
    ['6 + 5 of 100 is not', { deactivations: 6, managedActive: 94, ...recent(5) }, ['window']],
    ['nothing to deactivate now trips nothing, whatever went before', { deactivations: 0, managedActive: 10, ...recent(500) }, []],
    ['no earlier deactivations: the run alone decides', { deactivations: 10, managedActive: 100, ...recent(0) }, []],
    ['a run over a limit on its own trips that rule alone, not the window again', { deactivations: 51, managedActive: 1000, ...recent(10) }, ['max-count']],
    ['over the count alone, over the share with the window', { deactivations: 51, managedActive: 600, ...recent(20) }, ['max-count', 'window']],
  ])('window: %s', (_name, over, rules) => {
    expect(checkBlastRadius(input(over), limits).map((t) => t.rule)).toEqual(rules);
  });

  it('the window trip names both counts, the window and the settings', () => {
    const [trip] = checkBlastRadius(input({ deactivations: 6, managedActive: 94, ...recent(5) }), limits);
    expect(trip?.detail).toBe(
      '6 deactivations now and 5 by off-boarding in the last 1d (DEACTIVATION_WINDOW) make 11, more than DEACTIVATION_MAX_PERCENT=10 (11.1% of 99 managed WFM users)',
    );
  });

  it('a limit of 100% lets everybody go, as far as the percentage goes', () => {
    expect(checkBlastRadius(input({ deactivations: 40, managedActive: 40, inScopeNow: 0, inScopeBefore: 40 }), { maxPercent: 100, maxCount: 50 })).toEqual([]);
  });

  it('a zero limit stops any deactivation', () => {
    expect(checkBlastRadius(input({ deactivations: 1 }), { maxPercent: 0, maxCount: 0 }).map((t) => t.rule)).toEqual(['max-count', 'max-percent']);
  });

  it('says what tripped, with the numbers and the setting', () => {
    const [trip] = checkBlastRadius(input({ deactivations: 11 }), limits);
    expect(trip?.detail).toBe('11 of 100 managed active WFM users (11%) exceed DEACTIVATION_MAX_PERCENT=10');
    expect(pullDrop(200, 150, 10)?.detail).toBe(
      'the Okta in-scope count fell from 200 to 150 (-25%) since the last good pull, more than DEACTIVATION_MAX_PERCENT=10',
    );
  });
});

describe('guardMessage', () => {
  const trips = checkBlastRadius(input({ deactivations: 51, managedActive: 1000 }), limits);

  it('names the rule, says nothing changed and gives the approve command', () => {
    const message = guardMessage(trips, { planId: 'plan-1', expiresAt: '2026-11-29T21:30:00.000Z' });
    expect(message).toContain('51 deactivations exceed DEACTIVATION_MAX_COUNT=50');
    expect(message).toContain('Nothing was deactivated.');
    expect(message).toContain('Review its users with `okta-wfm-sync approve plan-1 --dry-run --json`');
    expect(message).toContain('`okta-wfm-sync approve plan-1` before 2026-11-29T21:30:00.000Z');
    expect(message).not.toContain('\n');
  });

  it('in a dry run says no plan was saved', () => {
    expect(guardMessage(trips, {})).toContain('Dry run: no plan was saved.');
  });
});
