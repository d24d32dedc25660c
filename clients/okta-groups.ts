import type { Client, User } from '@okta/okta-sdk-nodejs';
import { SyncError } from './errors';
import { unidentified } from './okta-errors';
import type { OktaCaller } from './okta-sdk';

/** A group the sync reads, with what it is read for and the setting that named it first. */
export type NamedGroup = Readonly<{
  /** The entry as configured: a group name, or a group id (see isOktaGroupId). */
  name: string;
  setting: string;
  /** Its entry, as configured, goes into OktaUser.groups (SUPERVISOR_GROUPS, groupRules). */
  mapped: boolean;
  /** Its members are in scope (OKTA_GROUPS). */
  scope: boolean;
}>;

/** Every group entry of the settings, each once, whatever the number of settings that name it. */
export function namedGroups(cfg: Readonly<{ supervisorGroups: readonly string[]; scopeGroups?: readonly string[]; ruleGroups?: readonly string[] }>): NamedGroup[] {
  const byName = new Map<string, NamedGroup>();
  const add = (names: readonly string[], setting: string, role: 'mapped' | 'scope'): void => {
    for (const name of names) {
      const known = byName.get(name);
      byName.set(name, {
        name,
        setting: known?.setting ?? setting,
        mapped: (known?.mapped ?? false) || role === 'mapped',
        scope: (known?.scope ?? false) || role === 'scope',
      });
    }
  };
  add(cfg.supervisorGroups, 'SUPERVISOR_GROUPS', 'mapped');
  add(cfg.scopeGroups ?? [], 'OKTA_GROUPS', 'scope');
  add(cfg.ruleGroups ?? [], 'MAPPING_FILE (groupRules)', 'mapped');
  return [...byName.values()];
}

/**
 * An Okta group id: `00g` and 17 letters or digits (e.g. 00g1emaKYZTWRYYRRTSK). A setting entry of
 * this shape is read as an id, never looked up by name.
 */
export const OKTA_GROUP_ID = /^00g[A-Za-z0-9]{17}$/;

export const isOktaGroupId = (entry: string): boolean => OKTA_GROUP_ID.test(entry);

/**
 * Where the ids a group name resolved to are kept between runs (implemented in store/), so a name
 * costs one lookup per expiry rather than one per run. `get` answers undefined when it holds
 * nothing usable (unknown, expired, unreadable).
 */
export type GroupIdCache = {
  get(name: string): Promise<readonly string[] | undefined>;
  set(name: string, ids: readonly string[]): Promise<void>;
  forget(name: string): Promise<void>;
};

const isNotFound = (err: unknown): boolean => err instanceof SyncError && err.kind === 'not-found';

/** The cache as the pull sees it: a failing cache reads as empty and writes nothing, never failing the pull. */
function tolerant(cache: GroupIdCache | undefined): GroupIdCache {
  return {
    async get(name) {
      try {
        const ids = await cache?.get(name);
        return ids !== undefined && ids.length > 0 ? ids : undefined;
      } catch {
        return undefined;
      }
    },
    async set(name, ids) {
      try {
        await cache?.set(name, ids);
      } catch {
        // Not kept: the next run looks the name up again.
      }
    },
    async forget(name) {
      try {
        await cache?.forget(name);
      } catch {
        // Still cached: the next run meets the 404 and forgets it then.
      }
    },
  };
}

/** The ids an entry stands for, and where they came from: an id entry, the cache, or a lookup just made. */
type Resolved = { ids: readonly string[]; from: 'id' | 'cache' | 'lookup' };

/** One entry as a pull reads it: what it resolved to, and the members it has had. */
type Entry = Resolved & { group: NamedGroup; members: Set<string> };

async function resolve(client: Client, caller: OktaCaller, group: NamedGroup, cache: GroupIdCache): Promise<Resolved> {
  if (isOktaGroupId(group.name)) return { ids: [group.name], from: 'id' };
  const cached = await cache.get(group.name);
  if (cached !== undefined) return { ids: cached, from: 'cache' };
  return { ids: await lookUp(client, caller, group, cache), from: 'lookup' };
}

/**
 * Lists the members of each group once (never per user), each member once per entry. An entry
 * shaped like a group id is listed directly; a name is resolved to the ids of the groups with
 * exactly that name, from the cache when it holds them, else by one lookup whose answer is cached.
 * Every entry is resolved before any listing, so a group named twice (by name and by id) is listed
 * once for both. A cached id Okta no longer knows (group deleted) drops the entry and the name is
 * looked up again. A name or id Okta does not know is a configuration error naming the setting.
 */
export async function listGroupMembers(
  client: Client,
  caller: OktaCaller,
  groups: readonly NamedGroup[],
  onMember: (group: NamedGroup, user: User) => void,
  cache?: GroupIdCache,
): Promise<void> {
  const ids = tolerant(cache);
  const entries: Entry[] = [];
  for (const group of groups) entries.push({ group, members: new Set(), ...(await resolve(client, caller, group, ids)) });
  /** The entries each group id's members went to. */
  const served = new Map<string, ReadonlySet<Entry>>();

  /** Lists one group id for every entry that holds it and has not had its members yet. */
  const listOnce = async (groupId: string): Promise<void> => {
    const done = served.get(groupId) ?? new Set<Entry>();
    const holders = entries.filter((e) => !done.has(e) && e.ids.includes(groupId));
    const [first] = holders;
    if (first === undefined) return;
    await caller.drain(`list members of group "${first.group.name}"`, () => client.groupApi.listGroupUsers({ groupId, limit: 1000 }), (u) => {
      if (!u.id) throw unidentified(`a member of group "${first.group.name}"`);
      for (const holder of holders) {
        if (holder.members.has(u.id)) continue;
        holder.members.add(u.id);
        onMember(holder.group, u);
      }
    });
    served.set(groupId, new Set([...done, ...holders]));
  };

  const listEntry = async (entry: Entry): Promise<void> => {
    const { group } = entry;
    try {
      for (const groupId of entry.ids) await listOnce(groupId);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      if (entry.from === 'id') throw new SyncError(`${group.setting}: Okta has no group with id "${group.name}"`, { kind: 'config', service: 'okta' });
      await ids.forget(group.name);
      // Deleted since the lookup: the next run looks the name up again.
      if (entry.from === 'lookup') throw err;
      entry.ids = await lookUp(client, caller, group, ids);
      entry.from = 'lookup';
      await listEntry(entry);
    }
  };

  for (const entry of entries) await listEntry(entry);
}

/** The ids of one group's members, 1000 a page; undefined when Okta no longer has the group. */
export async function memberIds(client: Client, caller: OktaCaller, groupId: string): Promise<string[] | undefined> {
  const ids: string[] = [];
  try {
    await caller.drain(`list members of group ${groupId}`, () => client.groupApi.listGroupUsers({ groupId, limit: 1000 }), (u) => {
      if (!u.id) throw unidentified(`a member of group ${groupId}`);
      ids.push(u.id);
    });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  return ids;
}

/**
 * Forgets the ids kept for each group name that stood for one of these groups (renamed or deleted
 * in Okta), so the next pull looks the name up again; answers the names forgotten.
 */
export async function forgetChangedGroups(groups: readonly NamedGroup[], cache: GroupIdCache | undefined, groupIds: readonly string[]): Promise<string[]> {
  const ids = tolerant(cache);
  const changed = new Set(groupIds);
  const forgotten: string[] = [];
  for (const { name } of groups) {
    if (isOktaGroupId(name) || forgotten.includes(name)) continue;
    if (((await ids.get(name)) ?? []).some((id) => changed.has(id))) {
      await ids.forget(name);
      forgotten.push(name);
    }
  }
  return forgotten;
}

/**
 * The ids an entry stands for, read now and kept nowhere (the preflight check must not write the
 * cache): an id entry is read back, a name is looked up as the pull looks it up. An entry Okta
 * does not know is a configuration error naming the setting, as in the pull.
 */
export async function findGroupIds(client: Client, caller: OktaCaller, group: Pick<NamedGroup, 'name' | 'setting'>): Promise<string[]> {
  if (!isOktaGroupId(group.name)) return lookUpByName(client, caller, group);
  try {
    await caller.call(`get group "${group.name}"`, () => client.groupApi.getGroup({ groupId: group.name }));
  } catch (err) {
    if (isNotFound(err)) throw new SyncError(`${group.setting}: Okta has no group with id "${group.name}"`, { kind: 'config', service: 'okta' });
    throw err;
  }
  return [group.name];
}

/**
 * The ids the configured groups stand for: each name resolved from the cache, or by one lookup
 * whose answer is cached (a full sync fills the cache, so a run after it makes no call).
 */
export async function resolveGroupIds(client: Client, caller: OktaCaller, groups: readonly NamedGroup[], cache?: GroupIdCache): Promise<string[]> {
  const ids = tolerant(cache);
  const resolved: string[] = [];
  for (const group of groups) resolved.push(...(await resolve(client, caller, group, ids)).ids);
  return [...new Set(resolved)];
}

/** Looks a name up and keeps the ids it resolved to. */
async function lookUp(client: Client, caller: OktaCaller, group: NamedGroup, cache: GroupIdCache): Promise<string[]> {
  const found = await lookUpByName(client, caller, group);
  await cache.set(group.name, found);
  return found;
}

/** A string value in an Okta filter or search expression. */
export const quoted = (value: string): string => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Groups the `q` query answers at most; one that answers this many may have left some out. */
const Q_LIMIT = 200;

/**
 * The ids of the groups named exactly so. The `q` query is read first (it matches name prefixes,
 * is never paged and answers at most `limit` groups, so a name many others begin with may not be
 * among them, and of two groups with that name one may be and the other not); when it holds no
 * exact match, or came back full, a `search` on the name (exact, paged, but eventually consistent)
 * decides, its groups added to those found.
 */
async function lookUpByName(client: Client, caller: OktaCaller, group: Pick<NamedGroup, 'name' | 'setting'>): Promise<string[]> {
  const ids: string[] = [];
  let answered = 0;
  const keep = (g: { id?: string; profile?: { name?: string } }): void => {
    answered += 1;
    if (g.profile?.name === group.name && g.id && !ids.includes(g.id)) ids.push(g.id);
  };
  await caller.drain(`list groups named "${group.name}"`, () => client.groupApi.listGroups({ q: group.name, limit: Q_LIMIT }), keep);
  if (ids.length === 0 || answered >= Q_LIMIT) {
    await caller.drain(`search groups named "${group.name}"`, () => client.groupApi.listGroups({ search: `profile.name eq ${quoted(group.name)}`, limit: Q_LIMIT }), keep);
  }
  if (ids.length === 0) {
    const off = group.setting === 'SUPERVISOR_GROUPS' ? '; name the group as Okta has it, or set SUPERVISOR_GROUPS=off when no group gives the supervisor role' : '';
    throw new SyncError(`${group.setting}: Okta has no group named "${group.name}"${off}`, { kind: 'config', service: 'okta' });
  }
  return ids;
}
