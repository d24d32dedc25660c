import { displayWidth, formatTable } from '../../worker/table';

describe('table columns as a terminal shows them', () => {
  it.each([
    ['ascii', 'ana@example.com', 15],
    ['CJK, two columns each', '山田 太郎', 9],
    ['accents composed and decomposed', 'Zoë Zoe\u0308', 7],
    ['an emoji, and one joined by a zero-width joiner', '👍 👩‍💻', 5],
    ['full-width letters', 'ＡＢ', 4],
    ['a symbol in its emoji form', '\u2764\ufe0f', 2],
    ['a flag, a watch and an orange circle', '🇯🇵⌚🟠', 6],
  ])('%s', (_name, text, width) => {
    expect(displayWidth(text)).toBe(width);
  });

  it('pads and cuts by columns, not characters: wide names line up with narrow ones', () => {
    const lines = formatTable(['login', 'name', 'action'], [
      ['yamada@example.com', '山田 太郎', 'update'],
      ['ana@example.com', 'Ana Lopez', 'create'],
      ['dev@example.com', '👩‍💻 Dev', 'noop'],
    ]);
    // Where the last column starts, in terminal columns, is the same on every line.
    const starts = lines.map((l) => displayWidth(l.slice(0, l.lastIndexOf('  ') + 2)));
    expect(new Set(starts).size).toBe(1);
    const [, cutRow] = formatTable(['name', 'x'], [['山田太郎山田太郎山田太郎', 'y']], 16);
    expect(cutRow).toMatch(/…/);
    expect(displayWidth(cutRow ?? '')).toBeLessThanOrEqual(16);
  });
});
