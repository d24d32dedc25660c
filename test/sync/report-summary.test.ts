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
