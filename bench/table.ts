import { CALL_KINDS, type Calls } from './calls';

/** A GitHub-flavoured Markdown table; numbers right-aligned by the caller's choice of columns. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number): string => (rightAligned.includes(i) ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => cell(c, i)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (rightAligned.includes(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map((r) => line(header.map((_, i) => r[i] ?? '')))].join('\n');
}

export const seconds = (ms: number): string => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
export const megabytes = (kb: number): string => (kb / 1024).toFixed(0);
export const fixed = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : 'inf');
/**
 * A ratio judged against a target, rounded away from the target's side: down for "at least", up
 * for "at most", so a figure shown never reads as on the target when it missed it (0.4996 is 0.499).
 */
export const fixedToward = (n: number, digits: number, target: 'at-least' | 'at-most'): string => {
  if (!Number.isFinite(n)) return fixed(n, digits);
  const scale = 10 ** digits;
  const scaled = Math.round(n * scale * 1e6) / 1e6; // 0.1 + 0.2 style float noise is not a digit
  return ((target === 'at-least' ? Math.floor(scaled) : Math.ceil(scaled)) / scale).toFixed(digits);
};
export const thousands = (n: number): string => n.toLocaleString('en-US');

/** "actual / minimum" for one kind of call, or the actual alone when there is no minimum. */
export function callCell(actual: number, minimum: number | undefined): string {
  return minimum === undefined ? thousands(actual) : `${thousands(actual)} / ${thousands(minimum)}`;
}

export const callCells = (actual: Calls, minimum: Calls | undefined): string[] => CALL_KINDS.map((k) => callCell(actual[k], minimum?.[k]));

/** The verdict column: the target, then met, MISSED or not measured. */
export type Verdict = { target: string; met: boolean | undefined; detail?: string };

export function verdictCell(v: Verdict): string {
  const state = v.met === undefined ? 'not measured' : v.met ? 'met' : 'MISSED';
  return `${state}: ${v.target}${v.detail ? ` (${v.detail})` : ''}`;
}
