import { parseDuration } from '../../config/duration';
import type { AuditEntry } from '../../store/audit';
import { sideShort, sideText } from '../../sync/explain';
import type { Change } from '../../sync/types';
import { EXIT, type CommandModule } from '../cli-context';
import { formatRows, printable } from '../table';

type AuditOptions = { user?: string; json?: boolean; limit?: string; since?: string };

const DEFAULT_LIMIT = 50;

const time = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
const quoted = (v: string | undefined): string => (v === undefined ? '(none)' : `"${printable(v)}"`);

/** Why an entry happened, in a few words: the error, else the reason or the note. */
function why(e: AuditEntry): string {
  return printable(e.outcome === 'failed' ? (e.error ?? e.reason) : (e.reason ?? e.note));
}

function changeRows(changes: readonly Change[]): string[][] {
  return changes.map((c) => [`  ${c.path}`, `${quoted(c.from)} -> ${quoted(c.to)}`, c.side === undefined ? '' : sideShort(c.side)]);
}

/**
 * Newest first, one block per entry: a line with the time, action, outcome, user and side, a line
 * with the run, the fields changed with their old and new values, and why. Ids are in --json.
 */
export function auditLines(entries: readonly AuditEntry[]): string[] {
  const lines: string[] = [];
  for (const e of entries) {
    const side = e.side !== undefined ? `  (${sideText(e.side)})` : '';
    lines.push(`${time(e.at)}  ${e.action} ${e.outcome}  ${printable(e.userName)}${side}`);
    lines.push(`  run ${e.runId}, WFM user ${printable(e.wfmId)}`);
    lines.push(...formatRows(changeRows(e.changes)));
    if (why(e) !== '-') lines.push(`  ${e.outcome === 'failed' ? 'error' : 'why'}: ${why(e)}`);
  }
  return lines;
}

/** `--since`: a duration back from now (24h, 7d) or an ISO time; undefined when it is neither. */
export function sinceMs(value: string, now: number): number | undefined {
  const back = parseDuration(value);
  if (back !== undefined && back > 0) return now - back;
  const at = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? undefined : at;
}

export const auditCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('audit')
      .description('Print the audit stream (every applied or failed change with its run, fields, old and new values, and side), newest first.')
      .option('--user <login>', 'only this user (login, ignoring case, or an Okta or WFM id)')
      .option('--since <duration>', 'only entries since then: a duration back from now such as 24h or 7d, or an ISO time')
      .option('--limit <n>', `at most this many entries (default ${DEFAULT_LIMIT})`)
      .option('--json', 'print the entries as one JSON array on the last line of stdout')
      .action(async (opts: AuditOptions) => {
        const limit = opts.limit === undefined ? DEFAULT_LIMIT : Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
          ctx.io.stderr('okta-wfm-sync audit: --limit takes a whole number from 1 to 100000.');
          ctx.setCode(EXIT.usage);
          return;
        }
        const since = opts.since === undefined ? undefined : sinceMs(opts.since, Date.now());
        if (opts.since !== undefined && since === undefined) {
          ctx.io.stderr(`okta-wfm-sync audit: --since takes a duration such as 30m, 24h or 7d, or an ISO time; "${printable(opts.since.slice(0, 40))}" is neither.`);
          ctx.setCode(EXIT.usage);
          return;
        }
        const code = await ctx.withApp(async (app) => {
          const entries = await app.deps.audit.read({
            count: limit,
            ...(opts.user !== undefined ? { userName: opts.user } : {}),
            ...(since !== undefined ? { sinceMs: since } : {}),
          });
          if (opts.json) ctx.io.stdout(JSON.stringify(entries));
          else if (entries.length === 0) ctx.io.stdout(`No audit entries${opts.user !== undefined ? ` for ${printable(opts.user)}` : ''}${opts.since !== undefined ? ` since ${printable(opts.since)}` : ''}.`);
          else for (const line of auditLines(entries)) ctx.io.stdout(line);
          return EXIT.ok;
        });
        ctx.setCode(code);
      });
  },
};
