import { z } from 'zod';
import { SETTING_DOCS } from './setting-docs';
import { rangeOf } from './setting-schemas';
import { settingsSchema, type SettingName } from './settings';

/** The default as a setting would spell it: a prefault is the input parsed when the setting is absent. */
export function defaultOf(schema: z.ZodType): string | undefined {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault) {
    const value: unknown = schema.def.defaultValue;
    return Array.isArray(value) ? value.join(',') : String(value);
  }
  return undefined;
}

/** A setting's documentation, with the range a whole-number setting accepts. */
function docOf(name: SettingName): string {
  const range = rangeOf(settingsSchema.shape[name] as z.ZodType);
  return range ? `${SETTING_DOCS[name].doc} A whole number from ${range[0]} to ${range[1]}.` : SETTING_DOCS[name].doc;
}

/** The README's configuration reference, written from the zod schema and the settings table. */
export function configReference(): string {
  const rows = (Object.keys(SETTING_DOCS) as SettingName[]).map((name) => {
    const schema = settingsSchema.shape[name] as z.ZodType;
    const doc = SETTING_DOCS[name];
    const def = defaultOf(schema);
    const required = def === undefined && !(schema instanceof z.ZodOptional);
    const when = def === '' ? 'empty' : def !== undefined ? `\`${def}\`` : required ? 'required' : doc.requiredUnless ? `required unless \`${doc.requiredUnless}\`` : 'optional';
    const file = doc.secret ? ` Also \`${name}_FILE\`.` : '';
    return `| \`${name}\` | ${when} | ${docOf(name)}${file} |`;
  });
  return ['| Setting | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** `.env.example`: every setting with a one-line comment, secrets left blank. */
export function envExample(): string {
  const lines = ['# okta-wfm-sync settings: copy to .env and fill in. Secrets may instead be given as NAME_FILE.', ''];
  for (const name of Object.keys(SETTING_DOCS) as SettingName[]) {
    const schema = settingsSchema.shape[name] as z.ZodType;
    const doc = SETTING_DOCS[name];
    const def = defaultOf(schema);
    const required = def === undefined && !(schema instanceof z.ZodOptional);
    const note = required ? ' (required)' : doc.requiredUnless ? ` (required unless ${doc.requiredUnless} is set)` : '';
    lines.push(`# ${docOf(name).replace(/`/g, '')}${note}`);
    // Settings the default setup needs get a line to fill in; optional ones stay commented out at their default.
    const value = doc.secret ? '' : (def ?? doc.example ?? '');
    lines.push(required || doc.requiredUnless ? `${name}=${value}` : `# ${name}=${value}`);
  }
  return `${lines.join('\n')}\n`;
}
