import { groupRuleTargets, templateRefs, type Mapping, type Rule, type Transform } from '../config/mapping';
import { REQUIRED_TARGETS } from '../config/targets';
import type { DesiredUser, OktaUser } from '../sync/types';

export type MapOptions = Readonly<{ mapping: Mapping; supervisorGroups: readonly string[] }>;
export type MapResult = { ok: true; user: DesiredUser } | { ok: false; reason: string };

/** The longest attribute value we send; longer ones are refused for that user with a reason. */
export const MAX_VALUE_LENGTH = 256;
// Control characters (C0, DEL, C1) have no place in a profile value.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// A lone UTF-16 surrogate is not text: a WFM refuses it or stores U+FFFD, which never compares equal again.
const LONE_SURROGATE = /[\ud800-\udfff]/u;
// Invisible format characters (zero-width space and joiners, direction marks, byte-order mark): an
// address holding one reads exactly as another address, and would not match the WFM user that has it.
const INVISIBLE = /\p{Cf}/u;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const EMAIL_TARGETS = new Set(['userName', 'emails.work']);

function rawValue(user: OktaUser, path: string): unknown {
  if (path === 'id') return user.id;
  if (path === 'status') return user.status;
  return path.startsWith('profile.') ? user.profile[path.slice('profile.'.length)] : undefined;
}

function sourceValue(user: OktaUser, path: string): string | undefined {
  const raw = rawValue(user, path);
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return undefined;
}

/** A rule's Okta paths, read once per rule (a mapping's rules live as long as the process). */
const ruleSources = new WeakMap<Rule, readonly string[]>();
function sourcesOf(rule: Rule): readonly string[] {
  let refs = ruleSources.get(rule);
  if (refs === undefined) {
    refs = rule.source !== undefined ? [rule.source] : templateRefs(rule.template ?? '');
    ruleSources.set(rule, refs);
  }
  return refs;
}

/**
 * Why a rule's sources cannot be read as one value: Okta holds a list or an object where the
 * mapping expects text. Read as absent, it would remove the value the WFM holds.
 */
function unreadableSource(user: OktaUser, rule: Rule): string | undefined {
  const refs = sourcesOf(rule);
  for (const ref of refs) {
    const raw = rawValue(user, ref);
    if (Array.isArray(raw)) return `Okta's ${ref} is a list, not a single value`;
    if (typeof raw === 'object' && raw !== null) return `Okta's ${ref} is an object, not a single value`;
  }
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
      // Each reference trimmed: "{{first}} {{last}}" over " Ana " and "Ng " reads "Ana Ng", not "Ana  Ng".
      return v?.trim() ?? '';
    });
    // A template whose every reference is empty yields nothing rather than a string of spaces.
    if (missing.length > 0 && value.trim() === '') value = undefined;
  }
  if (value !== undefined) value = applyTransforms(value, rule.transform);
  if (value === undefined || value.trim() === '') value = rule.default;
  // One spelling of each accented letter (NFC), whichever form Okta holds it in (NFD, from some
  // keyboards and imports): the WFM and the userName lookups see one string for one name.
  return value === undefined || value === '' ? undefined : value.normalize('NFC');
}

function problemWith(path: string, value: string): string | undefined {
  if (CONTROL.test(value)) return `${path} contains control characters`;
  if (LONE_SURROGATE.test(value)) return `${path} contains a broken character (a lone UTF-16 surrogate)`;
  // Characters as people count them (code points): an emoji is one, not two UTF-16 units.
  const length = value.length > MAX_VALUE_LENGTH ? [...value].length : value.length;
  if (length > MAX_VALUE_LENGTH) return `${path} is ${length} characters long (at most ${MAX_VALUE_LENGTH})`;
  if (EMAIL_TARGETS.has(path) && INVISIBLE.test(value)) return `${path} contains invisible characters (zero-width, joiner or direction mark)`;
  if (EMAIL_TARGETS.has(path) && !EMAIL.test(value)) return `${path} "${value}" is not an email address`;
  return undefined;
}

/** Maps one Okta user to the WFM user it should be, or says why it cannot. */
export function mapOktaUser(user: OktaUser, opts: MapOptions): MapResult {
  const attrs: Record<string, string | undefined> = {};
  for (const [path, rule] of Object.entries(opts.mapping.attributes)) {
    const unreadable = unreadableSource(user, rule);
    if (unreadable) return { ok: false, reason: `${path}: ${unreadable}` };
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

/** Owned paths by mapping: a mapping is parsed once and never changed, and every user's write and plan reads its list. */
const ownedPathsOf = new WeakMap<Mapping, readonly string[]>();

/** The paths a mapping owns in the WFM: the mapped ones, those group rules set, and those the sync always sets. */
export function ownedPaths(mapping: Mapping): readonly string[] {
  let paths = ownedPathsOf.get(mapping);
  if (paths === undefined) {
    paths = Object.freeze([...new Set([...Object.keys(mapping.attributes), ...groupRuleTargets(mapping), 'externalId', 'roles.primary'])]);
    ownedPathsOf.set(mapping, paths);
  }
  return paths;
}
