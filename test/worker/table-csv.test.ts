import { csvLine } from '../../worker/csv';
import { formatRows, formatTable, printable } from '../../worker/table';

describe('formatTable', () => {
  it('pads columns to their widest cell and leaves the last one unpadded; an empty cell stays blank', () => {
    expect(formatTable(['A', 'BB', 'C'], [['xxx', 'y', 'z'], ['x', '', 'zz']])).toEqual(['A    BB  C', 'xxx  y   z', 'x        zz']);
    expect([printable(undefined), printable(''), printable('v')]).toEqual(['-', '-', 'v']);
  });

  it('cuts the widest columns with an ellipsis until the table fits the width', () => {
    const lines = formatTable(['USER', 'FIELD', 'REASON'], [['a'.repeat(20), 'b'.repeat(60), 'c'.repeat(70)]], 100);
    expect(lines.every((l) => l.length <= 100)).toBe(true);
    expect(lines[1]).toMatch(/^a{20} {2}b+… {2}c+…$/);
  });

  it('cuts the first column (the login a person copies) only when no other column can be cut', () => {
    const login = 'firstname.lastname-with-a-long-name@subsidiary.example.com';
    const [, row] = formatTable(['USER', 'FIELD', 'WFM NOW', 'OKTA (NEXT)'], [[login, 'enterprise.department', 'Technical Support Tier 2', 'Retention and Loyalty']], 100);
    expect(row?.length).toBeLessThanOrEqual(100);
    expect(row?.startsWith(`${login}  `)).toBe(true);
    const [, squeezed] = formatTable(['USER', 'ROLE'], [['u'.repeat(120), 'agent']], 100);
    expect(squeezed).toMatch(/^u{92}… {2}agent$/);
  });

  it('shows control characters (escape sequences from a profile) as ?', () => {
    expect(printable('evil\u001b[2Jname\n')).toBe('evil?[2Jname?');
    expect(formatRows([['x\u0007', 'y']])).toEqual(['x?  y']);
  });
});

describe('csvLine', () => {
  it('quotes cells with commas, quotes or line breaks, doubling quotes', () => {
    expect(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', undefined, 3, true])).toBe('plain,"a,b","say ""hi""","two\nlines",,3,true');
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    expect(csvLine(['=HYPERLINK("x")', '+1', '-2', '@sum', 'safe'])).toBe(`"'=HYPERLINK(""x"")",'+1,'-2,'@sum,safe`);
  });
});
