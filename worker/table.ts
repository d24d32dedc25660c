/** The width the CLI's tables fit: a terminal of 100 columns. */
export const TABLE_WIDTH = 100;

const GAP = '  ';
const MIN_COLUMN = 6;
// Values come from Okta and the WFM: a control character (an escape sequence) must not reach the terminal.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Text safe for a terminal: control characters shown as `?`. */
export const safe = (text: string): string => text.replace(CONTROL, '?');

/** A value as a person reads it: control characters shown as `?`, nothing as `-`. */
export function printable(value: string | undefined): string {
  return value === undefined || value === '' ? '-' : safe(value);
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * Lines of a table whose columns are padded to their widest cell, the widest ones cut (with `…`)
 * until the whole fits `width` columns. The first column names the row (a login, a field), which
 * a person copies into the next command, so it is cut only when no other column can be. The last
 * column is not padded. Cells are shown as given (an empty one stays blank): callers pass values
 * through `printable` where absent means `-`.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], width = TABLE_WIDTH): string[] {
  const clean = rows.map((r) => header.map((_, i) => safe(r[i] ?? '')));
  const widths = header.map((h, i) => Math.max(h.length, ...clean.map((r) => (r[i] ?? '').length)));
  const total = (): number => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  const widestCuttable = (from: number): number => {
    let widest = -1;
    widths.forEach((w, i) => {
      if (i >= from && w > Math.max(MIN_COLUMN, (header[i] ?? '').length) && (widest < 0 || w > (widths[widest] ?? 0))) widest = i;
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
    cells.map((c, i) => (i === cells.length - 1 ? cut(c, widths[i] ?? 0) : cut(c, widths[i] ?? 0).padEnd(widths[i] ?? 0))).join(GAP).trimEnd();
  return [line(header), ...clean.map(line)];
}

/** Rows aligned in columns like a table, with no header line. */
export function formatRows(rows: readonly (readonly string[])[], width = TABLE_WIDTH): string[] {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  return formatTable(Array.from({ length: columns }, () => ''), rows, width).slice(1);
}

/** A count with thousands separators: 12345 -> "12,345". */
export const count = (n: number): string => n.toLocaleString('en-US');
