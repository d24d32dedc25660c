// The preflight reads of `okta-wfm-sync check`: each shows that one part of the Okta set-up
// answers, with as few and as small requests as will do, and writes nothing (no group id cache).
import type { Client, Collection } from '@okta/okta-sdk-nodejs';
import { SyncError } from './errors';
import { findGroupIds, type NamedGroup } from './okta-groups';
import type { OktaCaller } from './okta-sdk';
import { LOG_FILTER, isRefusal } from './okta-log';

/** A group entry as the preflight check found it: the ids it stands for, or why it stands for none. */
export type GroupProbe = Readonly<{ name: string; setting: string }> & ({ ids: readonly string[] } | { problem: string });

/** What the scope source answered the preflight check. */
export type ScopeProbe = { scope: 'app'; appId: string } | { scope: 'groups'; groups: GroupProbe[] };

export type OktaProbes = {
  /** One page of one app user (OKTA_APP_ID), or each OKTA_GROUPS entry resolved and one page of one member read. */
  probeScope(): Promise<ScopeProbe>;
  /** Each group entry of SUPERVISOR_GROUPS and the group rules resolved as the pull does, the id cache left alone. */
  probeGroups(): Promise<GroupProbe[]>;
  /**
   * One System Log page of one event of the last minute, asked as an incremental run asks (the same
   * filter); `unfiltered` when the service refused the filter (400) and answered without it, as
   * incremental runs then read it.
   */
  probeLog(): Promise<{ unfiltered: boolean }>;
};

/** What the probes read with, as the Okta source holds it. */
export type ProbeContext = Readonly<{
  client: Client;
  caller: OktaCaller;
  groups: readonly NamedGroup[];
  /** OKTA_GROUPS, as set. */
  scopeGroups: readonly string[];
  /** The app whose users are in scope (throws naming OKTA_APP_ID when there is none). */
  appId(): string;
  /** A 404 for the app is OKTA_APP_ID's problem; anything else is thrown as it is. */
  appNotFound(err: unknown, appId: string): never;
}>;

export function createOktaProbes(ctx: ProbeContext): OktaProbes {
  const { client, caller } = ctx;

  /** The first page of a listing, one item long: one request that shows the listing answers. */
  async function firstPage<T>(what: string, open: () => Promise<Collection<T>>): Promise<void> {
    const collection = await caller.call(what, open);
    await caller.call(what, () => collection.next());
  }

  /**
   * Each entry resolved, then `read` on its ids. An entry Okta does not know is that entry's
   * problem; any other failure (a refused token, no answer) is the whole probe's.
   */
  async function probeEach(entries: readonly Pick<NamedGroup, 'name' | 'setting'>[], read?: (ids: readonly string[]) => Promise<void>): Promise<GroupProbe[]> {
    const found: GroupProbe[] = [];
    for (const { name, setting } of entries) {
      try {
        const ids = await findGroupIds(client, caller, { name, setting });
        await read?.(ids);
        found.push({ name, setting, ids });
      } catch (err) {
        if (!(err instanceof SyncError && err.kind === 'config')) throw err;
        found.push({ name, setting, problem: err.message });
      }
    }
    return found;
  }

  return {
    async probeScope() {
      if (ctx.scopeGroups.length > 0) {
        const found = await probeEach(
          [...new Set(ctx.scopeGroups)].map((name) => ({ name, setting: 'OKTA_GROUPS' })),
          async (ids) => {
            for (const groupId of ids) await firstPage(`list members of group ${groupId}`, () => client.groupApi.listGroupUsers({ groupId, limit: 1 }));
          },
        );
        return { scope: 'groups', groups: found };
      }
      const appId = ctx.appId();
      await firstPage(`list users of app ${appId}`, () => client.applicationApi.listApplicationUsers({ appId, limit: 1 })).catch((err: unknown) => ctx.appNotFound(err, appId));
      return { scope: 'app', appId };
    },

    async probeLog() {
      const since = new Date(Date.now() - 60_000).toISOString();
      const read = (filter?: string) =>
        firstPage('read the System Log', () => client.systemLogApi.listLogEvents({ since, sortOrder: 'ASCENDING', limit: 1, ...(filter !== undefined ? { filter } : {}) }));
      try {
        await read(LOG_FILTER);
        return { unfiltered: false };
      } catch (err) {
        if (!(isRefusal(err) && err instanceof SyncError && err.status === 400)) throw err;
        await read();
        return { unfiltered: true };
      }
    },

    // An entry of OKTA_GROUPS and of a group rule is probed here for the rule (probeScope probes it for OKTA_GROUPS).
    probeGroups: () => probeEach(ctx.groups.filter((g) => g.mapped).map((g) => ({ name: g.name, setting: g.setting === 'OKTA_GROUPS' ? 'MAPPING_FILE (groupRules)' : g.setting }))),
  };
}
