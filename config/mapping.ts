import { z } from 'zod';
import { REQUIRED_TARGETS, checkTargetPath } from './targets';

/** Where a value comes from in the Okta user: its id, its status, or a profile attribute. */
const SOURCE_PATH = /^(id|status|profile\.[A-Za-z0-9_$]{1,128})$/;
const TEMPLATE_REF = /\{\{\s*([^}]*?)\s*\}\}/g;

export const TRANSFORMS = ['trim', 'lowercase', 'uppercase'] as const;
export type Transform = (typeof TRANSFORMS)[number];

export type Rule = Readonly<{
  source?: string;
  template?: string;
  default?: string;
  transform: readonly Transform[];
}>;

export type RoleNames = Readonly<{ supervisor: string; agent: string }>;

export type Mapping = Readonly<{
  customSchema?: string;
  attributes: Readonly<Record<string, Rule>>;
  roles: RoleNames;
}>;

const ruleSchema = z
  .object({
    source: z.string().regex(SOURCE_PATH, 'source must be id, status or profile.<attribute>').optional(),
    template: z.string().min(1).optional(),
    default: z.string().optional(),
    transform: z.array(z.enum(TRANSFORMS)).default([]),
  })
  .strict()
  .refine((r) => (r.source === undefined) !== (r.template === undefined), {
    message: 'a rule needs exactly one of source or template',
  })
  .refine((r) => r.template === undefined || templateRefs(r.template).every((ref) => SOURCE_PATH.test(ref)), {
    message: 'a template may only refer to {{id}}, {{status}} or {{profile.<attribute>}}',
  });

export const mappingFileSchema = z
  .object({
    customSchema: z
      .string()
      .regex(/^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[A-Za-z0-9()+,\-.:=@;$_!*'%/?#]+$/, 'customSchema must be a URN')
      .optional(),
    attributes: z.record(z.string(), ruleSchema.nullable()).default({}),
    roles: z
      .object({ supervisor: z.string().min(1).default('supervisor'), agent: z.string().min(1).default('agent') })
      .strict()
      .default({ supervisor: 'supervisor', agent: 'agent' }),
  })
  .strict();

export function templateRefs(template: string): string[] {
  return [...template.matchAll(TEMPLATE_REF)].map((m) => m[1] ?? '');
}

/** The mapping used when MAPPING_FILE is not set; a mapping file's rules are laid over it. */
export const DEFAULT_ATTRIBUTES: Readonly<Record<string, Rule>> = Object.freeze({
  userName: { source: 'profile.login', transform: ['trim'] },
  'name.givenName': { source: 'profile.firstName', transform: ['trim'] },
  'name.familyName': { source: 'profile.lastName', transform: ['trim'] },
  displayName: { template: '{{profile.firstName}} {{profile.lastName}}', transform: ['trim'] },
  'emails.work': { source: 'profile.email', transform: ['trim'] },
  'enterprise.employeeNumber': { source: 'profile.employeeNumber', transform: ['trim'] },
  'enterprise.department': { source: 'profile.department', transform: ['trim'] },
});

export const DEFAULT_MAPPING: Mapping = Object.freeze({
  attributes: DEFAULT_ATTRIBUTES,
  roles: Object.freeze({ supervisor: 'supervisor', agent: 'agent' }),
});

/**
 * Builds the mapping from a parsed mapping file: its rules replace the default rule of the same
 * target, and `target: null` drops a default one. Returns the problems found, each a line.
 */
export function buildMapping(input: unknown): { mapping?: Mapping; problems: string[] } {
  const parsed = mappingFileSchema.safeParse(input ?? {});
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(file)'}: ${i.message}`),
    };
  }
  const file = parsed.data;
  const problems: string[] = [];
  const attributes: Record<string, Rule> = { ...DEFAULT_ATTRIBUTES };
  for (const [target, rule] of Object.entries(file.attributes)) {
    const problem = checkTargetPath(target, file.customSchema !== undefined);
    if (problem) {
      problems.push(`attributes.${target}: ${problem}`);
      continue;
    }
    if (rule === null) {
      if ((REQUIRED_TARGETS as readonly string[]).includes(target)) {
        problems.push(`attributes.${target}: is required by the WFM and cannot be removed`);
      } else {
        delete attributes[target];
      }
      continue;
    }
    attributes[target] = Object.freeze({ ...rule, transform: Object.freeze([...rule.transform]) });
  }
  if (problems.length > 0) return { problems };
  const mapping: Mapping = Object.freeze({
    ...(file.customSchema !== undefined ? { customSchema: file.customSchema } : {}),
    attributes: Object.freeze(attributes),
    roles: Object.freeze({ ...file.roles }),
  });
  return { mapping, problems };
}
