import type { ScenarioRow } from './context';
import type { ReadModeRow } from './scenarios-read-modes';
import type { OverheadResult, ThroughputRow } from './scenarios-workers';
import { callCells, fixed, fixedToward, markdownTable, megabytes, seconds, thousands, verdictCell, type Verdict } from './table';
import { CALL_KINDS } from './calls';

export type BenchResults = {
  scenarios: ScenarioRow[];
  throughput: ThroughputRow[];
  overhead: OverheadResult | undefined;
  readModes: ReadModeRow[];
};

const RIGHT_SCENARIO = [2, 3, 4, 5, 6, 7, 8, 9];

/** The headline: every one-shot scenario with its time, CPU, RSS and calls beside their minimum. */
export function scenarioTable(rows: readonly ScenarioRow[]): string {
  const header = ['Users', 'Scenario', 'Wall s', 'Run s', 'CPU s', 'Peak RSS MB', 'Okta', 'SCIM reads', 'SCIM writes', 'User-mgmt', 'Target'];
  return markdownTable(
    header,
    rows.map((r) => [
      thousands(r.users),
      r.scenario,
      seconds(r.usage.wallMs),
      r.runMs === undefined ? '-' : seconds(r.runMs),
      seconds(r.usage.cpuMs),
      megabytes(r.usage.maxRssKb),
      ...callCells(r.calls, r.minimum),
      verdictCell(r.verdict),
    ]),
    [0, ...RIGHT_SCENARIO],
  );
}

export type ScalingCheck = { scenario: string; metric: string; at10k: number; at100k: number; ratio: number; verdict: Verdict };

/** Per-user CPU and RSS at 100,000 against 10,000, for each full-run scenario measured at both; and the RSS ceiling. */
export function scalingChecks(rows: readonly ScenarioRow[]): ScalingCheck[] {
  const checks: ScalingCheck[] = [];
  for (const scenario of ['initial', 'noop', 'one-percent']) {
    const small = rows.find((r) => r.scenario === scenario && r.users === 10_000);
    const large = rows.find((r) => r.scenario === scenario && r.users === 100_000);
    if (!small || !large) continue;
    const metrics: Array<[string, (r: ScenarioRow) => number]> = [
      ['CPU ms per user', (r) => r.usage.cpuMs / r.users],
      ['peak RSS KB per user', (r) => r.usage.maxRssKb / r.users],
    ];
    for (const [metric, of] of metrics) {
      const ratio = of(large) / of(small);
      checks.push({ scenario, metric, at10k: of(small), at100k: of(large), ratio, verdict: { target: 'ratio <= 1.2', met: ratio <= 1.2 } });
    }
    const mb = large.usage.maxRssKb / 1024;
    checks.push({ scenario, metric: 'peak RSS MB at 100,000', at10k: small.usage.maxRssKb / 1024, at100k: mb, ratio: Number.NaN, verdict: { target: '< 512 MB', met: mb < 512 } });
  }
  return checks;
}

export function scalingTable(checks: readonly ScalingCheck[]): string {
  return markdownTable(
    ['Scenario', 'Metric', 'At 10,000', 'At 100,000', '100k / 10k', 'Target'],
    checks.map((c) => [c.scenario, c.metric, fixed(c.at10k, 3), fixed(c.at100k, 3), Number.isNaN(c.ratio) ? '-' : fixedToward(c.ratio, 2, 'at-most'), verdictCell(c.verdict)]),
    [2, 3, 4],
  );
}

export function throughputTable(rows: readonly ThroughputRow[]): string {
  return markdownTable(
    ['Users', 'Workers', 'Writes', 'Writes/s', 'Max in a sliding 1 s', 'Same after the first 5 s', 'Wall s', 'CPU s (all workers)', 'Peak RSS MB', 'Target'],
    rows.map((r) => [
      thousands(r.users),
      String(r.workers),
      thousands(r.writes),
      fixed(r.perSecond, 1),
      String(r.peakSliding),
      String(r.peakSlidingSteady),
      seconds(r.wallMs),
      seconds(r.cpuMs),
      megabytes(r.maxRssKb),
      verdictCell(r.verdict),
    ]),
    [0, 1, 2, 3, 4, 5, 6, 7, 8],
  );
}

/**
 * One row per pair measured, then the median ratio with the verdict. Ratios to three places, rounded
 * down: a median of 0.495 reads 0.495 (not 0.50), and 0.4996 reads 0.499, beside a missed target.
 */
export function overheadTable(o: OverheadResult): string {
  const rows = o.pairs.map((p, i) => [
    thousands(o.users),
    String(o.concurrency),
    String(i + 1),
    fixed(p.worker.perSecond, 0),
    fixed(p.loop.perSecond, 0),
    fixedToward(p.ratio, 3, 'at-least'),
    seconds(p.worker.cpuMs),
    seconds(p.loop.cpuMs),
    p.failure ?? '',
  ]);
  rows.push(['', '', 'median', '', '', fixedToward(o.ratio, 3, 'at-least'), '', '', verdictCell(o.verdict)]);
  return markdownTable(['Users', 'Concurrency', 'Pair', 'Worker writes/s', 'Plain loop writes/s', 'Worker / loop', 'Worker CPU s', 'Loop CPU s', 'Target'], rows, [0, 1, 2, 3, 4, 5, 6, 7]);
}

export function readModeTable(rows: readonly ReadModeRow[]): string {
  return markdownTable(
    ['Users', 'WFM_READ_MODE', 'Scenario', 'Wall s', 'Run s', 'CPU s', 'Okta', 'SCIM reads', 'SCIM writes', 'User-mgmt', 'All calls', 'Note'],
    rows.map((r) => [
      thousands(r.users),
      r.mode,
      r.scenario,
      seconds(r.usage.wallMs),
      r.runMs === undefined ? '-' : seconds(r.runMs),
      seconds(r.usage.cpuMs),
      ...callCells(r.calls, r.listMinimum),
      thousands(CALL_KINDS.reduce((s, k) => s + r.calls[k], 0)),
      r.problem ?? '',
    ]),
    [0, 3, 4, 5, 6, 7, 8, 9, 10],
  );
}

/** Every table that has rows, with a heading each. */
export function renderResults(r: BenchResults): string {
  const parts: string[] = [];
  if (r.scenarios.length > 0) {
    parts.push('### Scenarios (calls: measured / minimum)', scenarioTable(r.scenarios));
    const checks = scalingChecks(r.scenarios);
    if (checks.length > 0) parts.push('### Scaling, 10,000 to 100,000 users', scalingTable(checks));
  }
  if (r.throughput.length > 0) parts.push('### Limit-bound throughput', throughputTable(r.throughput));
  if (r.overhead) parts.push('### Overhead against a plain loop of the same POSTs', overheadTable(r.overhead));
  if (r.readModes.length > 0) parts.push('### WFM read modes (calls: measured / minimum of a listing run)', readModeTable(r.readModes));
  return parts.join('\n\n');
}
