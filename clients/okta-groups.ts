import type { Client, User } from '@okta/okta-sdk-nodejs';
import { SyncError } from './errors';
import type { OktaCaller } from './okta-sdk';

/** A group the sync reads, with what it is read for and the setting that named it first. */
export type NamedGroup = Readonly<{
  name: string;
  setting: string;
  /** Its name goes into OktaUser.groups (SUPERVISOR_GROUPS, groupRules). */
  mapped: boolean;
  /** Its members are in scope (OKTA_GROUPS). */
  scope: boolean;
}>;

/** Every group named by the settings, each once, whatever the number of settings that name it. */
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
 * Lists the members of each group once (never per user): finds the group by its exact name, then
 * pages through its members. A name Okta does not know is a configuration error naming the setting.
 */
export async function listGroupMembers(
  client: Client,
  caller: OktaCaller,
  groups: readonly NamedGroup[],
  onMember: (group: NamedGroup, user: User) => void,
): Promise<void> {
  for (const group of groups) {
    const ids: string[] = [];
    await caller.drain(`list groups named "${group.name}"`, () => client.groupApi.listGroups({ q: group.name, limit: 200 }), (g) => {
      if (g.profile?.name === group.name && g.id) ids.push(g.id);
    });
    if (ids.length === 0) {
      throw new SyncError(`${group.setting}: Okta has no group named "${group.name}"`, { kind: 'config', service: 'okta' });
    }
    for (const groupId of ids) {
      await caller.drain(`list members of group "${group.name}"`, () => client.groupApi.listGroupUsers({ groupId, limit: 1000 }), (u) => {
        if (u.id) onMember(group, u);
      });
    }
  }
}
