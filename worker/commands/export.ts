import { readPath } from '../../mappers/scim-paths';
import { linkStates, type LinkState } from '../../sync/link-state';
import { isOktaUserId } from '../../sync/offboard-plan';
import type { WfmUser } from '../../sync/types';
import { EXIT, oneOutputFormat, type CommandModule } from '../cli-context';
import { csvLine } from '../csv';
import { count, formatTable } from '../table';

export type ExportRow = {
  wfmId: string;
  userName: string;
  displayName: string;
  email: string;
  role: string;
  active: boolean;
  link: LinkState;
  /** The Okta user the WFM user is linked to; empty when its externalId is not an Okta user id. */
  oktaId: string;
  externalId: string;
};

export const EXPORT_COLUMNS = ['wfmId', 'userName', 'displayName', 'email', 'role', 'active', 'link', 'oktaId', 'externalId'] as const satisfies readonly (keyof ExportRow)[];

function rowOf(u: WfmUser, link: LinkState): ExportRow {
  const text = (path: string): string => readPath(u.raw, path) ?? '';
  return {
    wfmId: u.id,
    userName: u.userName,
    displayName: text('displayName'),
    email: text('emails.work'),
    role: text('roles.primary'),
    active: u.active,
    link,
    oktaId: isOktaUserId(u.externalId) ? u.externalId : '',
    externalId: u.externalId ?? '',
  };
}

/** One line to close the table: how many of each link state, role, and how many inactive. */
export function exportSummary(rows: readonly ExportRow[]): string {
  const tally = (values: string[]): string =>
    [...values.reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<string, number>())].map(([k, n]) => `${count(n)} ${k}`).join(', ');
  const inactive = rows.filter((r) => !r.active).length;
  return `${count(rows.length)} WFM users: ${tally(rows.map((r) => r.link))}; roles: ${tally(rows.map((r) => r.role || 'none'))}; ${count(inactive)} inactive`;
}

type ExportOptions = { json?: boolean; csv?: boolean };

export const exportCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('export')
      .description('List every WFM user with its link to Okta (managed, unmanaged, conflict), role and active flag. Writes nothing.')
      .option('--csv', 'print CSV (a header line, then one line per user)')
      .option('--json', 'print one JSON array')
      .action(async (opts: ExportOptions) => {
        if (!oneOutputFormat(ctx, 'export', opts)) return;
        const code = await ctx.withApp(async (app) => {
          const users = await app.deps.scim.listAll();
          // Conflicts are found by planning against Okta: the last full run's are the ones known.
          const lastFull = (await app.deps.history.list()).find((r) => r.kind === 'full-sync');
          const states = linkStates(users, lastFull?.conflicts ?? []);
          if (lastFull?.conflictsTotal !== undefined) {
            ctx.io.stderr(
              `okta-wfm-sync export: the last full sync found ${lastFull.conflictsTotal} conflicts and its stored report keeps the first ${lastFull.conflicts.length}: the others show as managed or unmanaged here (\`okta-wfm-sync plan\` lists them all).`,
            );
          }
          const rows = users.map((u) => rowOf(u, states.get(u.id) ?? 'unmanaged')).sort((a, b) => a.userName.localeCompare(b.userName));
          if (opts.json) ctx.io.stdout(JSON.stringify(rows));
          else if (opts.csv) for (const r of [[...EXPORT_COLUMNS], ...rows.map((row) => EXPORT_COLUMNS.map((c) => row[c]))]) ctx.io.stdout(csvLine(r));
          else {
            const table = rows.map((r) => [r.userName, r.displayName, r.role, r.active ? 'yes' : 'no', r.link, r.oktaId]);
            for (const line of formatTable(['USERNAME', 'DISPLAY NAME', 'ROLE', 'ACTIVE', 'LINK', 'OKTA ID'], table)) ctx.io.stdout(line);
            ctx.io.stdout(exportSummary(rows));
          }
          return EXIT.ok;
        });
        ctx.setCode(code);
      });
  },
};
