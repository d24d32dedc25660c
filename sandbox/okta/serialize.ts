import { createHash } from 'node:crypto';
import { loginOf } from './store';
import { iso, isoOrNull } from './time';
import type { AppGroupRecord, AppRecord, AppUserRecord, GroupRecord, LogEventRecord, UserRecord } from './types';

/** Wire shapes, as Okta serialises them (checked against management.yaml in the tests). */
export type Json = Record<string, unknown>;
export type WireContext = { baseUrl: string; largeProfiles: boolean };

const href = (url: string): Json => ({ href: url });
const post = (url: string): Json => ({ href: url, method: 'POST' });

/** Big custom attributes, derived from the id so they are stable, to push pages past 64 KB. */
function largeAttributes(id: string): Json {
  const block = createHash('sha512').update(id).digest('hex');
  return {
    wfmNotes: block.repeat(32),
    wfmSkills: Array.from({ length: 40 }, (_, i) => `skill-${i}-${block.slice(i, i + 24)}`),
    biography: `Long biography ${block}`.repeat(16),
  };
}

function userLinks(user: UserRecord, ctx: WireContext, full: boolean): Json {
  const self = `${ctx.baseUrl}/api/v1/users/${user.id}`;
  if (!full) return { self: href(self) };
  const links: Json = {
    self: href(self),
    schema: href(`${ctx.baseUrl}/api/v1/meta/schemas/user/oscsandboxdefault0g4`),
    type: href(`${ctx.baseUrl}/api/v1/meta/types/user/${user.typeId}`),
  };
  const lifecycle = `${self}/lifecycle`;
  if (user.status === 'STAGED' || user.status === 'DEPROVISIONED') links.activate = post(`${lifecycle}/activate`);
  if (user.status !== 'DEPROVISIONED') links.deactivate = post(`${lifecycle}/deactivate`);
  if (user.status === 'ACTIVE') {
    links.suspend = post(`${lifecycle}/suspend`);
    links.resetPassword = post(`${lifecycle}/reset_password`);
    links.expirePassword = post(`${lifecycle}/expire_password`);
    links.changePassword = post(`${self}/credentials/change_password`);
    links.changeRecoveryQuestion = post(`${self}/credentials/change_recovery_question`);
  }
  if (user.status === 'SUSPENDED') links.unsuspend = post(`${lifecycle}/unsuspend`);
  if (user.status === 'LOCKED_OUT') links.unlock = post(`${lifecycle}/unlock`);
  if (user.status === 'PROVISIONED') links.reactivate = post(`${lifecycle}/reactivate`);
  return links;
}

export function userJson(user: UserRecord, ctx: WireContext, opts: { full?: boolean } = {}): Json {
  const profile: Json = { mobilePhone: null, secondEmail: null, ...user.profile };
  return {
    id: user.id,
    status: user.status,
    created: iso(user.created),
    activated: isoOrNull(user.activated),
    statusChanged: isoOrNull(user.statusChanged),
    lastLogin: isoOrNull(user.lastLogin),
    lastUpdated: iso(user.lastUpdated),
    passwordChanged: isoOrNull(user.passwordChanged),
    type: { id: user.typeId },
    profile: ctx.largeProfiles ? { ...profile, ...largeAttributes(user.id) } : profile,
    credentials: {
      ...(user.passwordChanged === null ? {} : { password: {} }),
      provider: { type: 'OKTA', name: 'OKTA' },
    },
    _links: userLinks(user, ctx, opts.full ?? false),
  };
}

export function groupJson(group: GroupRecord, ctx: WireContext): Json {
  const self = `${ctx.baseUrl}/api/v1/groups/${group.id}`;
  return {
    id: group.id,
    created: iso(group.created),
    lastUpdated: iso(group.lastUpdated),
    lastMembershipUpdated: iso(group.lastMembershipUpdated),
    objectClass: ['okta:user_group'],
    type: group.type,
    profile: group.description === null ? { name: group.name } : { name: group.name, description: group.description },
    _links: {
      logo: [
        { name: 'medium', href: `${ctx.baseUrl}/assets/img/logos/groups/okta-medium.png`, type: 'image/png' },
        { name: 'large', href: `${ctx.baseUrl}/assets/img/logos/groups/okta-large.png`, type: 'image/png' },
      ],
      self: href(self),
      users: href(`${self}/users`),
      apps: href(`${self}/apps`),
    },
  };
}

/** The app profile Okta pushes from the user profile with the default mappings. */
function appProfile(user: UserRecord): Json {
  const p = user.profile;
  const pickKeys = ['email', 'firstName', 'lastName', 'displayName', 'mobilePhone', 'department', 'title', 'employeeNumber', 'timezone'];
  const out: Json = {};
  for (const key of pickKeys) out[key] = p[key] ?? null;
  return out;
}

export function appUserJson(
  appUser: AppUserRecord,
  user: UserRecord,
  app: AppRecord,
  group: GroupRecord | undefined,
  ctx: WireContext,
  opts: { expandUser: boolean },
): Json {
  const links: Json = {
    app: href(`${ctx.baseUrl}/api/v1/apps/${app.id}`),
    user: href(`${ctx.baseUrl}/api/v1/users/${user.id}`),
  };
  if (appUser.scope === 'GROUP' && group) links.group = { name: group.name, href: `${ctx.baseUrl}/api/v1/groups/${group.id}` };
  return {
    id: user.id,
    externalId: appUser.externalId,
    created: iso(appUser.created),
    lastUpdated: iso(Math.max(appUser.lastUpdated, user.profileUpdated)),
    scope: appUser.scope,
    status: 'ACTIVE',
    statusChanged: iso(appUser.statusChanged),
    passwordChanged: null,
    syncState: 'DISABLED',
    credentials: { userName: loginOf(user) },
    profile: appProfile(user),
    _links: links,
    ...(opts.expandUser ? { _embedded: { user: userJson(user, ctx, { full: true }) } } : {}),
  };
}

export function appGroupJson(record: AppGroupRecord, app: AppRecord, ctx: WireContext): Json {
  return {
    id: record.groupId,
    lastUpdated: iso(record.lastUpdated),
    priority: record.priority,
    profile: {},
    _links: {
      app: href(`${ctx.baseUrl}/api/v1/apps/${app.id}`),
      self: href(`${ctx.baseUrl}/api/v1/apps/${app.id}/groups/${record.groupId}`),
      group: href(`${ctx.baseUrl}/api/v1/groups/${record.groupId}`),
    },
  };
}

export function logEventJson(event: LogEventRecord): Json {
  return {
    actor: { ...event.actor },
    client: {
      userAgent: { rawUserAgent: 'okta-sdk-nodejs', os: 'Unknown', browser: 'UNKNOWN' },
      zone: 'null',
      device: 'Unknown',
      ipAddress: '127.0.0.1',
    },
    authenticationContext: { authenticationStep: 0, externalSessionId: 'trs-sandbox' },
    displayMessage: event.displayMessage,
    eventType: event.eventType,
    ...(event.legacyEventType ? { legacyEventType: event.legacyEventType } : {}),
    outcome: { ...event.outcome },
    published: iso(event.published),
    securityContext: { asNumber: null, asOrg: null, isp: null, domain: null, isProxy: null },
    severity: event.severity,
    debugContext: { debugData: { ...event.debugData } },
    request: { ipChain: [{ ip: '127.0.0.1', version: 'V4' }] },
    target: event.target.map((t) => ({ ...t })),
    transaction: { type: 'WEB', id: event.transactionId, detail: {} },
    uuid: event.uuid,
    version: '0',
  };
}

