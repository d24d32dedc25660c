/** The width the CLI's tables fit: a terminal of 100 columns. */
export const TABLE_WIDTH = 100;

const GAP = '  ';
const MIN_COLUMN = 6;
import { safe } from '../sync/printable';

export { safe };

/** A value as a person reads it: control characters shown as `?`, nothing as `-`. */
export function printable(value: string | undefined): string {
  return value === undefined || value === '' ? '-' : safe(value);
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** Characters a terminal gives two columns: East Asian wide and full-width ones, and emoji. */
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f680}-\u{1f6ff}\u{1f900}-\u{1f9ff}\u{1fa70}-\u{1faff}\u{20000}-\u{3fffd}]/u;
/** What takes no column of its own: combining marks, and format characters such as joiners. */
const NO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]+$/u;
const ASCII = /^[\x20-\x7e]*$/;

/** An emoji asked for in its picture form (variation selector 16) takes two columns too. */
const EMOJI_FORM = '\ufe0f';

/** Emoji a terminal shows as pictures by default, and flags (pairs of regional indicators). */
const EMOJI = /\p{Emoji_Presentation}|\p{Regional_Indicator}/u;

const graphemeWidth = (g: string): number => (NO_WIDTH.test(g) ? 0 : WIDE.test(g) || EMOJI.test(g) || g.includes(EMOJI_FORM) ? 2 : 1);

/** The columns a text takes in a terminal: a CJK character or an emoji takes two, an accent none. */
export function displayWidth(text: string): number {
  if (ASCII.test(text)) return text.length;
  let width = 0;
  for (const { segment } of graphemes.segment(text)) width += graphemeWidth(segment);
  return width;
}

function cut(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const w = graphemeWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}

const pad = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - displayWidth(text)));

/**
 * Lines of a table whose columns are padded to their widest cell, the widest ones cut (with `…`)
 * until the whole fits `width` columns. The first column names the row (a login, a field), which
 * a person copies into the next command, so it is cut only when no other column can be. The last
 * column is not padded. Cells are shown as given (an empty one stays blank): callers pass values
 * through `printable` where absent means `-`.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], width = TABLE_WIDTH): string[] {
  const clean = rows.map((r) => header.map((_, i) => safe(r[i] ?? '')));
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...clean.map((r) => displayWidth(r[i] ?? ''))));
  const total = (): number => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  const widestCuttable = (from: number): number => {
    let widest = -1;
    widths.forEach((w, i) => {
      if (i >= from && w > Math.max(MIN_COLUMN, displayWidth(header[i] ?? '')) && (widest < 0 || w > (widths[widest] ?? 0))) widest = i;
    });
    return widest;
  };
  while (total() > width) {
    const other = widestCuttable(1);
    const widest = other >= 0 ? other : widestCuttable(0);
    if (widest < 0) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? cut(c, widths[i] ?? 0) : pad(cut(c, widths[i] ?? 0), widths[i] ?? 0))).join(GAP).trimEnd();
  return [line(header), ...clean.map(line)];
}

/** Rows aligned in columns like a table, with no header line. */
export function formatRows(rows: readonly (readonly string[])[], width = TABLE_WIDTH): string[] {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  return formatTable(Array.from({ length: columns }, () => ''), rows, width).slice(1);
}

/** A count with thousands separators: 12345 -> "12,345". */
export const count = (n: number): string => n.toLocaleString('en-US');
