import { CORE_URN } from '../config/targets';
import { ROLE_TARGET, type Mapping } from '../config/mapping';
import type { Change, DesiredUser, LastSent, ScimResource } from '../sync/types';
import { ownedPaths } from './okta-to-wfm';
import { addSchema, clearPath, isPrimary, isRecord, readPath, writePath } from './scim-paths';

/** caseExact=false in RFC 7643 (§4.1.1 userName, §4.1.2 emails and roles values). */
const CASE_INSENSITIVE = new Set(['userName', 'emails.work', 'roles.primary']);

/**
 * Normalises a value for comparison: surrounding whitespace, absent vs empty, case where the WFM
 * ignores it, and the Unicode form (NFC), since a WFM may store "é" as one code point or as "e"
 * and a combining accent, whichever way it was sent.
 */
export function normalise(path: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (path.startsWith('phoneNumbers.')) return phoneDigits(trimmed);
  return (CASE_INSENSITIVE.has(path) ? trimmed.toLowerCase() : trimmed).normalize('NFC');
}

/**
 * A phone number without its formatting: a WFM may store "+1 555 0100" as "tel:+1-555-0100"
 * (RFC 3966, which RFC 7643 §4.1.2 recommends), and the two are one number. Visual separators
 * (space, "-", ".", "(", ")") and a "tel:" scheme are dropped; digits, "+" and anything else
 * (an extension's ";ext=") are kept, case ignored.
 */
function phoneDigits(value: string): string {
  return value
    .normalize('NFC')
    .toLowerCase()
    .replace(/^tel:/, '')
    .replace(/[\s\-.()]/g, '');
}

/**
 * Whether the WFM holds what was sent (`sent`: the Okta value, or the one last written), as the
 * diff compares them (normalise). Also when the WFM holds it with each run of whitespace inside
 * made one space ("Ann  Marie" as "Ann Marie", a no-break space as a space), as a WFM that cleans
 * its input stores it. One way only: an Okta value whose spacing was corrected is still written.
 */
export function holdsSent(path: string, held: string | undefined, sent: string | undefined): boolean {
  const wfm = normalise(path, held);
  const okta = normalise(path, sent);
  if (wfm === okta) return true;
  return wfm !== undefined && okta !== undefined && /\s\s|[^\S ]/.test(okta) && wfm === okta.replace(/\s+/g, ' ');
}

/** The owned attributes that differ between the desired user and the WFM resource. */
export function diffOwned(desired: DesiredUser, current: Readonly<ScimResource>, mapping: Mapping, lastSent?: LastSent): Change[] {
  const changes: Change[] = [];
  for (const path of ownedPaths(mapping)) {
    const to = desired.attrs[path];
    const from = readPath(current, path, mapping.customSchema, to, lastSent?.[path]);
    if (!holdsSent(path, from, to)) changes.push({ path, from, to });
    else if (path === ROLE_TARGET && to !== undefined) {
      // Held among unflagged roles beside another role the sync gives (an old one a WFM without
      // `primary` kept): that one is to go (replaceUnflaggedRoles).
      const stale = staleRole(current, to, mapping);
      if (stale !== undefined) changes.push({ path, from: stale, to });
    }
  }
  return changes;
}

/** The resource a create POSTs. */
export function buildResource(desired: DesiredUser, mapping: Mapping): ScimResource {
  const resource: ScimResource = { schemas: [CORE_URN] };
  for (const path of ownedPaths(mapping)) writePath(resource, path, desired.attrs[path], mapping.customSchema);
  resource.active = true;
  return resource;
}

/**
 * RFC 7643 §3: every extension a resource carries is listed in `schemas` (URNs compared ignoring
 * case). A WFM that leaves one out when it answers would refuse the PUT that sends it back so.
 */
function listExtensions(resource: ScimResource): void {
  const listed = new Set((Array.isArray(resource.schemas) ? (resource.schemas as unknown[]) : []).map((s) => String(s).toLowerCase()));
  for (const [key, value] of Object.entries(resource)) {
    const extension = key.toLowerCase().startsWith('urn:') && typeof value === 'object' && value !== null && !Array.isArray(value);
    if (extension && !listed.has(key.toLowerCase())) addSchema(resource, key);
  }
}

/**
 * The resource an update PUTs: the WFM resource as read, with only the attributes we own
 * replaced. Everything else (set by WFM admins) is sent back unchanged, since PUT replaces the
 * whole resource. Read-only `meta` and `groups` are dropped and `timeZone` (how the WFM spells it in responses)
 * is sent as `timezone` (how it must be spelled in requests). `current` is spelled as the SCIM
 * client reads it (canonical case), so each owned attribute is written over the one read, not beside it.
 * An owned attribute Okta no longer has is sent as null or [] rather than left out: a WFM may keep
 * what a PUT leaves out (RFC 7644 §3.5.1), and the old value would then be planned away every run.
 */
export function mergeOwned(current: Readonly<ScimResource>, desired: DesiredUser, mapping: Mapping, lastSent?: LastSent): ScimResource {
  const resource = structuredClone(current) as ScimResource;
  // Read-only (RFC 7643 §4.1.2, §3.1): a strict server refuses them in a PUT (400 mutability), and
  // `groups` as read may be older than a membership change made since.
  delete resource.meta;
  delete resource.groups;
  if (resource.timeZone !== undefined && resource.timezone === undefined) resource.timezone = resource.timeZone;
  delete resource.timeZone;
  addSchema(resource, CORE_URN);
  listExtensions(resource);
  const partsBefore = nameParts(resource);
  for (const path of ownedPaths(mapping)) {
    const value = desired.attrs[path];
    if (path === ROLE_TARGET && value !== undefined && replaceUnflaggedRoles(resource, value, mapping)) continue;
    if (value === undefined) clearPath(resource, path, mapping.customSchema);
    else writePath(resource, path, value, mapping.customSchema, lastSent?.[path]);
  }
  refreshFormattedName(resource, partsBefore);
  resource.active = true;
  return resource;
}

/** The roles the sync itself gives: the mapping's supervisor and agent roles, and those its group rules set. */
function rolesGiven(mapping: Mapping): Set<string> {
  const roles = [mapping.roles.supervisor, mapping.roles.agent, ...(mapping.groupRules ?? []).map((r) => r.set[ROLE_TARGET])];
  return new Set(roles.filter((r): r is string => typeof r === 'string').map((r) => r.trim().toLowerCase()));
}

const flagged = (e: unknown): boolean => isRecord(e) && isPrimary(e);
const roleValue = (e: unknown): string | undefined => (isRecord(e) && typeof e.value === 'string' ? e.value.trim().toLowerCase() : undefined);

/** The roles of a WFM that keeps their values without `primary` (several, none flagged); undefined otherwise. */
function unflaggedRoles(resource: Readonly<ScimResource>): readonly unknown[] | undefined {
  const roles = resource.roles;
  return Array.isArray(roles) && roles.length >= 2 && !roles.some(flagged) ? roles : undefined;
}

/** Whether a role entry holds a role the sync gives other than `role`: one it gave before. */
function staleFor(role: string, mapping: Mapping): (e: unknown) => boolean {
  const want = role.trim().toLowerCase();
  const given = rolesGiven(mapping);
  return (e) => {
    const v = roleValue(e);
    return v !== undefined && v !== want && given.has(v);
  };
}

/** On a WFM that keeps role values without `primary`: a role the sync gives, other than `role`, held beside it. */
function staleRole(resource: Readonly<ScimResource>, role: string, mapping: Mapping): string | undefined {
  const stale = unflaggedRoles(resource)?.find(staleFor(role, mapping));
  return isRecord(stale) && typeof stale.value === 'string' ? stale.value : undefined;
}

/**
 * A WFM that keeps role values without `primary` (several roles, none flagged) leaves nothing to
 * tell the sync's role from an admin's. The entries holding a role the sync gives are its own: a
 * change of role replaces them, so a demoted supervisor does not keep `supervisor` beside the new
 * role; an admin's other roles stay. Answers whether it wrote the role (false: writePath does).
 */
function replaceUnflaggedRoles(resource: ScimResource, role: string, mapping: Mapping): boolean {
  const roles = unflaggedRoles(resource);
  if (roles === undefined) return false;
  const stale = staleFor(role, mapping);
  const others = roles.filter((e) => !stale(e));
  if (others.length === roles.length) return false;
  const want = role.trim().toLowerCase();
  const held = others.findIndex((e) => roleValue(e) === want);
  resource.roles = held >= 0 ? others.map((e, i) => (i === held && isRecord(e) ? { ...e, primary: true } : e)) : [{ value: role, primary: true }, ...others];
  return true;
}

const NAME_PARTS = ['honorificPrefix', 'givenName', 'middleName', 'familyName', 'honorificSuffix'] as const;
type NameParts = Readonly<Record<(typeof NAME_PARTS)[number], string>>;

function nameObject(resource: Readonly<ScimResource>): Record<string, unknown> | undefined {
  const name = resource.name;
  return typeof name === 'object' && name !== null && !Array.isArray(name) ? (name as Record<string, unknown>) : undefined;
}

function nameParts(resource: Readonly<ScimResource>): NameParts {
  const name = nameObject(resource) ?? {};
  const part = (key: string): string => (typeof name[key] === 'string' ? (name[key] as string).trim() : '');
  return Object.fromEntries(NAME_PARTS.map((k) => [k, part(k)])) as NameParts;
}

const joined = (...parts: string[]): string => parts.filter((p) => p !== '').join(' ');
const sameText = (a: string, b: string): boolean => a.replace(/\s+/g, ' ').trim().normalize('NFC') === b.replace(/\s+/g, ' ').trim().normalize('NFC');

/** "Family, Given Middle" when the WFM wrote the full name so; else the RFC 7643 §4.1.1 order. */
function composeName(p: NameParts, familyFirst: boolean): string {
  const given = joined(p.givenName, p.middleName);
  if (familyFirst) return given === '' ? p.familyName : `${p.familyName}, ${given}`;
  return joined(p.honorificPrefix, p.givenName, p.middleName, p.familyName, p.honorificSuffix);
}

/**
 * `name.formatted` (the full name for display, RFC 7643 §4.1.1) is not owned, but sent back as read
 * it would keep the old name after a change of the parts we own (a new family name shown under
 * the old one). When a part changed and the full name was the parts put together (given name
 * first, or "Family, Given"), it is put together again from the new parts, in the same order. One
 * written otherwise (by a WFM admin) is theirs and is sent back as read; a resource without one is
 * left without.
 */
function refreshFormattedName(resource: ScimResource, before: NameParts): void {
  const name = nameObject(resource);
  if (typeof name?.formatted !== 'string' || name.formatted.trim() === '') return;
  const after = nameParts(resource);
  if (NAME_PARTS.every((k) => sameText(before[k], after[k]))) return;
  const familyFirst = before.familyName !== '' && sameText(name.formatted, composeName(before, true));
  if (!familyFirst && !sameText(name.formatted, composeName(before, false))) return;
  const formatted = composeName(after, familyFirst);
  name.formatted = formatted === '' ? null : formatted;
}
