import { createProgressReporter, formatSeconds, progressLine } from '../../worker/progress';
import { createStatusLine } from '../../worker/status-line';

describe('progress of a long CLI run', () => {
  let now = 0;
  const clock = () => now;

  it('formats the write phase with counts, rate and ETA', () => {
    expect(progressLine({ event: { phase: 'write', done: 250, total: 1000 }, phaseStartedMs: 0 }, 10_000)).toBe('Writes: 250/1,000 (25%)  25.0/s  ETA 30s');
    expect(progressLine({ event: { phase: 'write', done: 0, total: 10 }, phaseStartedMs: 0 }, 0)).toBe('Writes: 0/10 (0%)  0.0/s  ETA ?');
    expect(progressLine({ event: { phase: 'write', done: 10, total: 10, finished: true }, phaseStartedMs: 0 }, 4000)).toBe('Writes: 10/10 (100%) in 4s, 2.5/s');
    expect(progressLine({ event: { phase: 'okta', done: 0 }, phaseStartedMs: 0 }, 3000)).toBe('Okta users: reading... 3s');
    expect(progressLine({ event: { phase: 'wfm', done: 1200, finished: true }, phaseStartedMs: 0 }, 1500)).toBe('WFM users: 1,200 read in 2s');
    expect([formatSeconds(75), formatSeconds(3 * 3600 + 5 * 60)]).toEqual(['1m15s', '3h05m']);
  });

  it('on a TTY rewrites one status line; finished phases stay; a log line prints above the status line', () => {
    let screen = '';
    const line = createStatusLine((raw) => {
      screen += raw;
    });
    now = 0;
    const progress = createProgressReporter({ tty: line, log: () => undefined, now: clock });
    progress.update({ phase: 'okta', done: 0 });
    now = 2000;
    progress.update({ phase: 'okta', done: 40, finished: true });
    progress.update({ phase: 'write', done: 0, total: 4 });
    now = 3000;
    progress.update({ phase: 'write', done: 1, total: 4 });
    line.print('12:00:00 warn write failed');
    progress.stop();
    const CLEAR = '\r\u001b[2K';
    expect(screen.split(CLEAR).filter((s) => s !== '')).toEqual([
      'Okta users: reading... 0s',
      'Okta users: 40 read in 2s\n',
      'Writes: 0/4 (0%)  0.0/s  ETA ?',
      'Writes: 1/4 (25%)  1.0/s  ETA 3s',
      '12:00:00 warn write failed\nWrites: 1/4 (25%)  1.0/s  ETA 3s',
    ]);
    expect(screen.endsWith(CLEAR)).toBe(true);
  });

  it('off a TTY logs plain lines: the write phase at most every interval, and when it finishes', () => {
    const logged: [string, Record<string, unknown>][] = [];
    now = 0;
    const progress = createProgressReporter({ log: (m, meta) => logged.push([m, meta]), now: clock, logEveryMs: 10_000 });
    progress.update({ phase: 'okta', done: 0 });
    progress.update({ phase: 'okta', done: 10, finished: true });
    progress.update({ phase: 'write', done: 0, total: 100 });
    for (let i = 1; i < 100; i += 1) {
      now = i * 500;
      progress.update({ phase: 'write', done: i, total: 100 });
    }
    now = 50_000;
    progress.update({ phase: 'write', done: 100, total: 100, finished: true });
    progress.stop();
    expect(logged.map(([m]) => m)).toEqual([
      'Writes: 0/100 (0%)  0.0/s  ETA ?',
      'Writes: 20/100 (20%)  2.0/s  ETA 40s',
      'Writes: 40/100 (40%)  2.0/s  ETA 30s',
      'Writes: 60/100 (60%)  2.0/s  ETA 20s',
      'Writes: 80/100 (80%)  2.0/s  ETA 10s',
      'Writes: 100/100 (100%) in 50s, 2.0/s',
    ]);
    expect(logged[1]?.[1]).toEqual({ phase: 'write', done: 20, total: 100, perSecond: 2, etaSeconds: 40 });
  });

  it('shows no write phase for a run with nothing to write', () => {
    const logged: string[] = [];
    let screen = '';
    const tty = createProgressReporter({ tty: createStatusLine((raw) => { screen += raw; }), log: () => undefined, now: clock });
    const plain = createProgressReporter({ log: (m) => logged.push(m), now: clock });
    for (const p of [tty, plain]) {
      p.update({ phase: 'write', done: 0, total: 0 });
      p.update({ phase: 'write', done: 0, total: 0, finished: true });
      p.stop();
    }
    expect([screen, logged]).toEqual(['', []]);
  });
});
