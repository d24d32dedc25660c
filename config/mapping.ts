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

/** Members of `group` get the attributes in `set` (target path -> value). */
export type GroupRule = Readonly<{ group: string; set: Readonly<Record<string, string>> }>;

export type Mapping = Readonly<{
  customSchema?: string;
  attributes: Readonly<Record<string, Rule>>;
  roles: RoleNames;
  /** Per attribute, the first rule whose group the user is in wins; then groupDefault; then the rules above. */
  groupRules?: readonly GroupRule[];
  groupDefault?: Readonly<Record<string, string>>;
}>;

/** The role a group rule may set besides the mapped targets. */
export const ROLE_TARGET = 'roles.primary';

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

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const groupSetSchema = z
  .record(
    z.string(),
    z
      .string()
      .trim()
      .min(1, 'a value must not be empty')
      .max(256, 'a value is at most 256 characters')
      .refine((v) => !CONTROL.test(v), 'a value must not contain control characters'),
  )
  .refine((set) => Object.keys(set).length > 0, 'set must name at least one attribute');

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
    groupRules: z.array(z.object({ group: z.string().trim().min(1, 'group must name an Okta group'), set: groupSetSchema }).strict()).default([]),
    groupDefault: groupSetSchema.optional(),
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
  const hasCustom = file.customSchema !== undefined;
  file.groupRules.forEach((rule, i) => problems.push(...groupSetProblems(`groupRules.${i}.set`, rule.set, hasCustom)));
  if (file.groupDefault) problems.push(...groupSetProblems('groupDefault', file.groupDefault, hasCustom));
  if (problems.length > 0) return { problems };
  const mapping: Mapping = Object.freeze({
    ...(file.customSchema !== undefined ? { customSchema: file.customSchema } : {}),
    attributes: Object.freeze(attributes),
    roles: Object.freeze({ ...file.roles }),
    ...(file.groupRules.length > 0 ? { groupRules: Object.freeze(file.groupRules.map((r) => Object.freeze({ group: r.group, set: Object.freeze({ ...r.set }) }))) } : {}),
    ...(file.groupDefault ? { groupDefault: Object.freeze({ ...file.groupDefault }) } : {}),
  });
  return { mapping, problems };
}

/** A group rule may set the role and any optional target; not the ones that identify the user. */
function groupSetProblems(where: string, set: Readonly<Record<string, string>>, hasCustomSchema: boolean): string[] {
  return Object.keys(set).flatMap((target) => {
    if (target === ROLE_TARGET) return [];
    if ((REQUIRED_TARGETS as readonly string[]).includes(target)) return [`${where}.${target}: identifies the user and cannot be set by a group rule`];
    const problem = checkTargetPath(target, hasCustomSchema);
    return problem ? [`${where}.${target}: ${problem}`] : [];
  });
}

/** The attributes group rules set (they are owned by the sync like the mapped ones). */
export function groupRuleTargets(mapping: Mapping): string[] {
  const targets = new Set<string>();
  for (const rule of mapping.groupRules ?? []) for (const t of Object.keys(rule.set)) targets.add(t);
  for (const t of Object.keys(mapping.groupDefault ?? {})) targets.add(t);
  return [...targets];
}

/** The Okta groups the group rules name, each once, in file order. */
export function groupRuleGroups(mapping: Mapping): string[] {
  return [...new Set((mapping.groupRules ?? []).map((r) => r.group))];
}
