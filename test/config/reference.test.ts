import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { configReference, defaultOf, envExample } from '../../config/reference';
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

  it('states the range of every whole-number setting, as the schema accepts it', () => {
    const rows = configReference().split('\n');
    const accepts = (schema: z.ZodType, n: number): boolean => n >= 0 && schema.safeParse(String(n)).success;
    // A number by default and no duration (OFFBOARD_GRACE is 0 by default, and takes 30m too).
    const numeric = Object.entries(settingsSchema.shape).filter(([, schema]) => /^\d+$/.test(defaultOf(schema as z.ZodType) ?? '') && !(schema as z.ZodType).safeParse('30m').success);
    expect(numeric.length).toBeGreaterThan(10);
    for (const [name, schema] of numeric) {
      const row = rows.find((r) => r.startsWith(`| \`${name}\` |`)) ?? '';
      const [, low, high] = /A whole number from (\d+) to (\d+)\./.exec(row) ?? [];
      const [min, max] = [Number(low), Number(high)];
      // The bounds printed are the schema's own: each accepted, the next one out refused.
      expect([name, accepts(schema as z.ZodType, min), accepts(schema as z.ZodType, min - 1)]).toEqual([name, true, false]);
      expect([name, accepts(schema as z.ZodType, max), accepts(schema as z.ZodType, max + 1)]).toEqual([name, true, false]);
    }
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
