export type CsvCell = string | number | boolean | undefined;

/**
 * One CSV record (RFC 4180): a cell with a comma, quote or line break is quoted, quotes doubled.
 * A cell a spreadsheet would run as a formula (starting with = + - @ or a tab) gets a leading `'`:
 * profile values are typed by people, and this file is opened in spreadsheets.
 */
export function csvLine(cells: readonly CsvCell[]): string {
  return cells
    .map((cell) => {
      let text = cell === undefined ? '' : String(cell);
      if (typeof cell === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(',');
}
