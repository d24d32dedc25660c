import { groupRuleTargets, type Mapping, type Rule, type Transform } from '../config/mapping';
import { REQUIRED_TARGETS } from '../config/targets';
import type { DesiredUser, OktaUser } from '../sync/types';

export type MapOptions = Readonly<{ mapping: Mapping; supervisorGroups: readonly string[] }>;
export type MapResult = { ok: true; user: DesiredUser } | { ok: false; reason: string };

/** The longest attribute value we send; longer ones are refused for that user with a reason. */
export const MAX_VALUE_LENGTH = 256;
// Control characters (C0, DEL, C1) have no place in a profile value.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const EMAIL_TARGETS = new Set(['userName', 'emails.work']);

function sourceValue(user: OktaUser, path: string): string | undefined {
  let raw: unknown;
  if (path === 'id') raw = user.id;
  else if (path === 'status') raw = user.status;
  else if (path.startsWith('profile.')) raw = user.profile[path.slice('profile.'.length)];
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return undefined;
}

function applyTransforms(value: string, transforms: readonly Transform[]): string {
  let out = value;
  for (const t of transforms) {
    if (t === 'trim') out = out.trim();
    else if (t === 'lowercase') out = out.toLowerCase();
    else out = out.toUpperCase();
  }
  return out;
}

function evaluate(user: OktaUser, rule: Rule): string | undefined {
  let value: string | undefined;
  if (rule.source !== undefined) value = sourceValue(user, rule.source);
  else if (rule.template !== undefined) {
    const missing: string[] = [];
    value = rule.template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_m, ref: string) => {
      const v = sourceValue(user, ref);
      if (v === undefined || v.trim() === '') missing.push(ref);
      return v ?? '';
    });
    // A template whose every reference is empty yields nothing rather than a string of spaces.
    if (missing.length > 0 && value.trim() === '') value = undefined;
  }
  if (value !== undefined) value = applyTransforms(value, rule.transform);
  if (value === undefined || value.trim() === '') value = rule.default;
  return value === undefined || value === '' ? undefined : value;
}

function problemWith(path: string, value: string): string | undefined {
  if (CONTROL.test(value)) return `${path} contains control characters`;
  if (value.length > MAX_VALUE_LENGTH) return `${path} is ${value.length} characters long (at most ${MAX_VALUE_LENGTH})`;
  if (EMAIL_TARGETS.has(path) && !EMAIL.test(value)) return `${path} "${value}" is not an email address`;
  return undefined;
}

/** Maps one Okta user to the WFM user it should be, or says why it cannot. */
export function mapOktaUser(user: OktaUser, opts: MapOptions): MapResult {
  const attrs: Record<string, string | undefined> = {};
  for (const [path, rule] of Object.entries(opts.mapping.attributes)) {
    attrs[path] = evaluate(user, rule);
  }
  for (const path of REQUIRED_TARGETS) {
    if (attrs[path] === undefined) return { ok: false, reason: `${path} is empty (its Okta source is missing)` };
  }
  for (const [path, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    const problem = problemWith(path, value);
    if (problem) return { ok: false, reason: problem };
  }
  const supervisor = user.groups.some((g) => opts.supervisorGroups.includes(g));
  attrs['roles.primary'] = supervisor ? opts.mapping.roles.supervisor : opts.mapping.roles.agent;
  for (const path of groupRuleTargets(opts.mapping)) {
    const value = groupRuleValue(user.groups, opts.mapping, path);
    if (value !== undefined) attrs[path] = value;
  }
  attrs.externalId = user.id;
  return { ok: true, user: { oktaId: user.id, userName: attrs.userName as string, attrs } };
}

/**
 * The value group rules give one attribute: the first rule (in file order) whose group the user is
 * in and that sets it, else `groupDefault`, else none (the attribute's own rule stands).
 */
export function groupRuleValue(groups: readonly string[], mapping: Mapping, path: string): string | undefined {
  for (const rule of mapping.groupRules ?? []) {
    const value = rule.set[path];
    if (value !== undefined && groups.includes(rule.group)) return value;
  }
  return mapping.groupDefault?.[path];
}

/** The paths a mapping owns in the WFM: the mapped ones, those group rules set, and those the sync always sets. */
export function ownedPaths(mapping: Mapping): string[] {
  return [...new Set([...Object.keys(mapping.attributes), ...groupRuleTargets(mapping), 'externalId', 'roles.primary'])];
}
