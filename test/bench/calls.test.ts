import {
  countCalls,
  fullRunMinimum,
  incrementalBudget,
  incrementalMinimum,
  peakInWindow,
  ratio,
  requestShapes,
  worstRatio,
  writeRate,
} from '../../bench/calls';
import { parseBenchArgs } from '../../bench/args';
import { overheadTable } from '../../bench/report';
import { spread } from '../../bench/scenarios-core';
import { overheadVerdict, type OverheadPair } from '../../bench/scenarios-workers';
import { callCell, fixedToward, markdownTable, verdictCell } from '../../bench/table';

describe('bench: the minimum calls of a scenario', () => {
  const tenant = { appUsers: 89_240, roleGroupMembers: [7_987], wfmUsers: 86_478, scimPageSize: 100 };

  it.each([
    ['no-op at 100,000', tenant, 0, { okta: 179 + 8, scimRead: 865, scimWrite: 0, userMgmt: 0 }],
    ['initial (empty WFM: one list call still)', { ...tenant, wfmUsers: 0 }, 86_478, { okta: 187, scimRead: 1, scimWrite: 86_478, userMgmt: 0 }],
    ['exact pages', { appUsers: 1000, roleGroupMembers: [1000, 0], wfmUsers: 200, scimPageSize: 100 }, 10, { okta: 2 + 1 + 1, scimRead: 2, scimWrite: 10, userMgmt: 0 }],
  ])('%s', (_name, t, changed, expected) => {
    expect(fullRunMinimum(t, changed)).toEqual(expected);
  });

  it('an incremental run needs one log page, the updated-user pages, one lookup and one write per change', () => {
    expect(incrementalMinimum(10)).toEqual({ okta: 2, scimRead: 10, scimWrite: 10, userMgmt: 0 });
    expect(incrementalMinimum(201).okta).toBe(3);
    expect(incrementalBudget(10)).toBe(85);
  });

  it('ratios: equal is 1, a call where none was needed is infinite', () => {
    expect(ratio(0, 0)).toBe(1);
    expect(ratio(3, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(worstRatio({ okta: 20, scimRead: 87, scimWrite: 0, userMgmt: 0 }, { okta: 19, scimRead: 87, scimWrite: 0, userMgmt: 0 })).toBeCloseTo(20 / 19);
  });
});

describe('bench: counting calls from the request logs', () => {
  it('sorts requests into Okta, SCIM reads, SCIM writes and user-management; admin requests do not count', () => {
    const okta = [{ method: 'GET', path: '/api/v1/apps/x/users', status: 200 }, { method: 'GET', path: '/_sandbox/summary', status: 200 }];
    const wfm = [
      { method: 'GET', path: '/scim/v2/Users', api: 'scim', status: 200, at: 1 },
      { method: 'POST', path: '/scim/v2/Users', api: 'scim', status: 201, at: 2 },
      { method: 'PUT', path: '/scim/v2/Users/1', api: 'scim', status: 429, at: 3 },
      { method: 'POST', path: '/authentication/v1/token/access-key', api: 'user-management', status: 200, at: 4 },
      { method: 'GET', path: '/_sandbox/requests', api: 'admin', status: 200, at: 5 },
    ];
    expect(countCalls(okta, wfm)).toEqual({ okta: 1, scimRead: 1, scimWrite: 2, userMgmt: 1 });
  });
});

describe('bench: write rates', () => {
  it('rates the write phase from first to last arrival', () => {
    const arrivals = Array.from({ length: 101 }, (_, i) => 1000 + i * 20); // 50 a second
    expect(writeRate(arrivals).perSecond).toBeCloseTo(50);
  });

  it('a fixed-window limiter may put two bursts in one sliding second', () => {
    // A window opens at 0 with one write, 49 more at its end; the next opens at 1000 with 50 at once.
    const arrivals = [0, ...Array.from({ length: 49 }, (_, i) => 951 + i), ...Array.from({ length: 50 }, (_, i) => 1000 + i)];
    expect(peakInWindow(arrivals, 1000)).toBe(99);
    const steady = [...arrivals, ...Array.from({ length: 50 }, (_, i) => 6000 + i * 10)];
    expect(writeRate(steady).peakSlidingSteady).toBe(50);
  });
});

describe('bench: picking users and reading the command line', () => {
  it('spreads picks over the list', () => {
    expect(spread(['a', 'b', 'c', 'd', 'e', 'f'], 3, 0)).toEqual(['a', 'c', 'e']);
    expect(spread(['a', 'b', 'c', 'd', 'e', 'f'], 3, 1)).toEqual(['b', 'd', 'f']);
    expect(spread(['a', 'b'], 5, 0)).toEqual(['a', 'b']);
  });

  it('runs everything by default, one case on request', () => {
    const all = parseBenchArgs([]);
    expect(all.core.map((c) => c.users)).toEqual([1000, 10000, 100000]);
    expect(all.special).toEqual({ users: 10000, throughput: true, overhead: true, readModes: true });
    const one = parseBenchArgs(['--users', '1000', '--scenario', 'initial']);
    expect(one.core).toEqual([{ users: 1000, scenarios: new Set(['initial']) }]);
    expect(one.special).toBeUndefined();
    expect(() => parseBenchArgs(['--scenario', 'warp'])).toThrow(/unknown 'warp'/);
    expect(() => parseBenchArgs(['--users', '1000,10000', '--scenario', 'overhead'])).toThrow(/one tenant size/);
  });
});

describe('bench: tables', () => {
  it('aligns a Markdown table and shows calls beside their minimum', () => {
    const table = markdownTable(['Users', 'Okta'], [['1,000', callCell(4, 3)]], [0]);
    expect(table.split('\n')).toEqual(['| Users | Okta  |', '|------:|-------|', '| 1,000 | 4 / 3 |']);
    expect(verdictCell({ target: 'calls = minimum', met: false, detail: 'Okta 4 vs 3' })).toBe('MISSED: calls = minimum (Okta 4 vs 3)');
    expect(verdictCell({ target: 'x', met: undefined })).toBe('not measured: x');
  });
});

describe('bench: the overhead pairs', () => {
  const pair = (worker: number, loop: number, failure?: string): OverheadPair => ({
    worker: { writes: 100, perSecond: worker, cpuMs: 1 },
    loop: { writes: 100, perSecond: loop, cpuMs: 1 },
    ratio: worker / loop,
    ...(failure ? { failure } : {}),
  });

  it('judges the median ratio of the pairs, not the best one', () => {
    const { ratio, verdict } = overheadVerdict([pair(900, 2000), pair(1200, 2000), pair(1000, 2000), pair(1500, 2000), pair(800, 2000)]);
    expect(ratio).toBeCloseTo(0.5);
    expect(verdict).toEqual({ target: 'median worker / loop >= 0.5', met: true });
    expect(overheadVerdict([pair(900, 2000), pair(1500, 2000), pair(950, 2000)]).verdict.met).toBe(false);
    expect(overheadVerdict([pair(900, 2000), pair(1100, 2000)]).ratio).toBeCloseTo(0.5);
  });

  it('shows the ratios to three places, so a median just under the target does not read as on it', () => {
    const pairs = [pair(1114, 2245), pair(1022, 2065), pair(1030, 2080)];
    const table = overheadTable({ users: 10_000, concurrency: 4, pairs, ...overheadVerdict(pairs) });
    const median = table.split('\n').find((line) => line.includes('median')) ?? '';
    expect(median).toContain('0.495');
    expect(median).toContain('MISSED');
  });

  it('rounds a ratio away from its target, so a miss never reads as on the target', () => {
    expect(fixedToward(0.4996, 3, 'at-least')).toBe('0.499');
    expect(fixedToward(0.5, 3, 'at-least')).toBe('0.500');
    expect(fixedToward(0.5004, 3, 'at-least')).toBe('0.500');
    expect(fixedToward(1.204, 2, 'at-most')).toBe('1.21');
    expect(fixedToward(1.2, 2, 'at-most')).toBe('1.20');
    expect(fixedToward(0.59, 2, 'at-most')).toBe('0.59');
  });

  it('fails the verdict when a pair had failed writes, whatever the rates', () => {
    const { verdict } = overheadVerdict([pair(1500, 2000), pair(1500, 2000, '3 POSTs of the loop failed'), pair(1500, 2000)]);
    expect(verdict).toEqual({ target: 'median worker / loop >= 0.5', met: false, detail: '3 POSTs of the loop failed' });
  });
});

describe('bench: where the calls went', () => {
  it('groups requests by method and path shape', () => {
    const shapes = requestShapes([
      { method: 'GET', path: '/api/v1/users/00u02IqJbgmWpH6ENxKl/groups' },
      { method: 'GET', path: '/api/v1/users/00uDwNkbd9mgiSxuv1YZ/groups' },
      { method: 'PUT', path: '/scim/v2/Users/6f1c1b2e-8a3d-4c55-9e0f-1a2b3c4d5e6f' },
    ]);
    expect(shapes).toEqual({ 'GET /api/v1/users/:id/groups': 2, 'PUT /scim/v2/Users/:id': 1 });
  });
});
