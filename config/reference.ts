import { z } from 'zod';
import { SETTING_DOCS, settingsSchema, type SettingName } from './settings';

function defaultOf(schema: z.ZodType): string | undefined {
  if (schema instanceof z.ZodDefault) {
    const value: unknown = schema.def.defaultValue;
    return Array.isArray(value) ? value.join(',') : String(value);
  }
  return undefined;
}

/** The README's configuration reference, written from the zod schema and the settings table. */
export function configReference(): string {
  const rows = (Object.keys(SETTING_DOCS) as SettingName[]).map((name) => {
    const schema = settingsSchema.shape[name] as z.ZodType;
    const doc = SETTING_DOCS[name];
    const def = defaultOf(schema);
    const required = def === undefined && !(schema instanceof z.ZodOptional);
    const when = def !== undefined ? `\`${def}\`` : required ? 'required' : 'optional';
    const file = doc.secret ? ` Also \`${name}_FILE\`.` : '';
    return `| \`${name}\` | ${when} | ${doc.doc}${file} |`;
  });
  return ['| Setting | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
