import type { AuditEntry } from '../../store/audit';
import { EXIT, type CommandModule } from '../cli-context';

type AuditOptions = { user?: string; json?: boolean; limit?: string };

const DEFAULT_LIMIT = 50;

/** Why an entry happened, in a few words: the reason, else the error, else the fields changed. */
function why(e: AuditEntry): string {
  const text = e.outcome === 'failed' ? (e.error ?? e.reason ?? '') : (e.reason ?? e.note ?? e.changes.map((c) => c.path).join(', '));
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** A readable table, newest first, columns padded to their widest cell. */
export function auditTable(entries: readonly AuditEntry[]): string[] {
  const header = ['TIME', 'ACTION', 'OUTCOME', 'USER', 'OKTA ID', 'WFM ID', 'WHY'];
  const rows = entries.map((e) => [e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), e.action, e.outcome, e.userName, e.oktaId, e.wfmId || '-', why(e)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

export const auditCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('audit')
      .description('Print the audit stream (every applied or failed change, deactivations and revives with their reason), newest first.')
      .option('--user <login>', 'only this user (login, ignoring case, or an Okta or WFM id)')
      .option('--limit <n>', `at most this many entries (default ${DEFAULT_LIMIT})`)
      .option('--json', 'print the entries as one JSON array on the last line of stdout')
      .action(async (opts: AuditOptions) => {
        const limit = opts.limit === undefined ? DEFAULT_LIMIT : Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
          ctx.io.stderr('okta-wfm-sync audit: --limit takes a whole number from 1 to 100000.');
          ctx.setCode(EXIT.usage);
          return;
        }
        const code = await ctx.withApp(async (app) => {
          const entries = await app.deps.audit.read({ count: limit, ...(opts.user !== undefined ? { userName: opts.user } : {}) });
          if (opts.json) ctx.io.stdout(JSON.stringify(entries));
          else if (entries.length === 0) ctx.io.stdout(opts.user !== undefined ? `No audit entries for ${opts.user}.` : 'The audit stream is empty.');
          else for (const line of auditTable(entries)) ctx.io.stdout(line);
          return EXIT.ok;
        });
        ctx.setCode(code);
      });
  },
};
