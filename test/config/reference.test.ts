import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { defaultOf, envExample } from '../../config/reference';
import { settingsSchema } from '../../config/settings';
import { withReference } from '../../worker/write-config-reference';

describe('the README configuration reference', () => {
  it('matches the zod schema (regenerate with npm run docs:config)', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toBe(withReference(readme));
  });

  it('starts with the two commands a newcomer runs', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const firstBlock = readme.split('```')[1] ?? '';
    expect(firstBlock).toContain('npm install && npm run demo');
    expect(firstBlock).toContain('npm test');
  });

  it('.env.example lists every setting (regenerate with npm run docs:config)', () => {
    expect(readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8')).toBe(envExample());
  });

  it('every default it prints is a value its setting accepts', () => {
    const printed = Object.entries(settingsSchema.shape).flatMap(([name, schema]) => {
      const def = defaultOf(schema as z.ZodType);
      return def === undefined ? [] : [[name, def, schema as z.ZodType] as const];
    });
    expect(printed.length).toBeGreaterThan(20);
    for (const [name, def, schema] of printed) expect([name, schema.safeParse(def).success]).toEqual([name, true]);
  });
});
