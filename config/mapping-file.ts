import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_MAPPING, buildMapping, type Mapping } from './mapping';

/** The mapping MAPPING_FILE holds (the default one when unset); each problem with it is pushed to `problems`, naming the setting. */
export function loadMapping(path: string | undefined, problems: string[]): Mapping {
  if (path === undefined) return DEFAULT_MAPPING;
  if (!existsSync(path)) {
    problems.push(`MAPPING_FILE: ${path} does not exist`);
    return DEFAULT_MAPPING;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`MAPPING_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    return DEFAULT_MAPPING;
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    problems.push(`MAPPING_FILE: ${path} is not valid YAML (${(err as Error).message.split('\n')[0]})`);
    return DEFAULT_MAPPING;
  }
  // An empty file (a config map mounted under the wrong key) would quietly be the default mapping,
  // and the next sync would write the defaults over every user's mapped attributes.
  if (doc === null || doc === undefined) {
    problems.push(`MAPPING_FILE: ${path} is empty; unset MAPPING_FILE to use the default mapping`);
    return DEFAULT_MAPPING;
  }
  const built = buildMapping(doc);
  for (const p of built.problems) problems.push(`MAPPING_FILE: ${p}`);
  return built.mapping ?? DEFAULT_MAPPING;
}
