import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configReference, envExample } from '../config/reference';

export const START = '<!-- config-reference:start -->';
export const END = '<!-- config-reference:end -->';

/** Replaces the configuration reference between the README's markers with the generated one. */
export function withReference(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} ... ${END} block`);
  return `${readme.slice(0, start + START.length)}\n${configReference()}\n${readme.slice(end)}`;
}

if (require.main === module) {
  const path = join(__dirname, '..', '..', 'README.md');
  writeFileSync(path, withReference(readFileSync(path, 'utf8')));
  writeFileSync(join(__dirname, '..', '..', '.env.example'), envExample());
  process.stdout.write('README.md configuration reference and .env.example updated\n');
}
