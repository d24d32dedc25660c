import { emptyApplied, emptyCounts, summarise, type RunReport } from '../../sync/report';

describe("the run's summary as printed", () => {
  it('shows control characters from Okta or WFM values as `?`: no escape sequence reaches the terminal, no line is forged', () => {
    const login = 'x\u001b[2J\u001b[H\r\n  failed: 0@example.com';
    const report: RunReport = {
      runId: 'r1',
      kind: 'full-sync',
      dryRun: false,
      startedAt: '2026-11-30T10:00:00.000Z',
      finishedAt: '2026-11-30T10:00:01.000Z',
      planned: emptyCounts(),
      applied: emptyApplied(),
      failed: [{ oktaId: '00u1', userName: login, action: 'map', error: `userName "${login}" contains control characters` }],
      conflicts: [{ oktaId: '00u2', userName: login, reason: `the login changed to "${login}"`, candidates: [] }],
      retries: 0,
      durationMs: 1000,
      error: `stopped on "${login}"`,
    } as unknown as RunReport;
    const text = summarise(report);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text.split('\n').filter((l) => l.trim() === 'failed: 0@example.com')).toEqual([]);
    expect(text).toContain('x?[2J?[H??  failed: 0@example.com');
  });
});

describe('a dry run in the summary', () => {
  const report = (dryRun: boolean): RunReport => ({
    runId: 'r2',
    kind: 'full-sync',
    dryRun,
    startedAt: '2026-11-30T10:00:00.000Z',
    finishedAt: '2026-11-30T10:00:01.000Z',
    planned: { ...emptyCounts(), create: 12, update: 3 },
    applied: dryRun ? emptyApplied() : { ...emptyApplied(), create: 12, update: 3 },
    failed: [],
    conflicts: [],
    retries: 0,
    durationMs: 1000,
  });

  it('says it applied nothing instead of a row of zeros next to its plan', () => {
    const text = summarise(report(true));
    expect(text).toContain('planned: 12 create, 3 update');
    expect(text).toContain('  applied: none (dry run)');
    expect(text).not.toMatch(/applied: 0 create/);
  });

  it('a real run still counts its writes', () => {
    expect(summarise(report(false))).toContain('  applied: 12 create, 3 update, 0 reactivate, 0 deactivate');
  });
});

describe("an off-boarding run's summary", () => {
  it('counts deactivations only, not the creates, updates and conflicts off-boarding never makes', () => {
    const report: RunReport = {
      runId: 'offboard-1',
      kind: 'offboard',
      dryRun: false,
      startedAt: '2026-11-30T10:00:00.000Z',
      finishedAt: '2026-11-30T10:00:01.000Z',
      planned: { ...emptyCounts(), deactivate: 2, noop: 40 },
      applied: { ...emptyApplied(), deactivate: 2 },
      failed: [],
      conflicts: [],
      retries: 0,
      durationMs: 1000,
      unmanaged: 1,
    };
    const lines = summarise(report).split('\n');
    expect(lines.slice(1, 3)).toEqual(['  planned: 2 deactivate, 40 unchanged', '  applied: 2 deactivate']);
    expect(lines.join('\n')).not.toMatch(/create|update|reactivate|conflict/);
  });
});
