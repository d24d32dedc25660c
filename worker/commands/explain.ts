import { explainUser, type Explanation } from '../../jobs/explain';
import { sideShort, type FieldRow } from '../../sync/explain';
import { EXIT, type CommandModule } from '../cli-context';
import { formatTable, printable } from '../table';

const lastWrittenText = (v: FieldRow['lastWritten']): string => (v === undefined ? '(no record)' : printable(v ?? undefined));

function oktaLines(e: Explanation): string[] {
  if (!e.okta.found) return [`Okta      no user ${printable(e.login)}`];
  const o = e.okta;
  const assignment =
    o.scope === 'app' ? (o.assigned ? 'assigned to the app' : 'not assigned to the app') : o.assigned ? 'in one of OKTA_GROUPS' : 'in none of OKTA_GROUPS';
  return [
    `Okta      ${printable(o.login)}  (${o.id})`,
    `          status ${o.status}, ${assignment}: ${o.inScope ? 'in scope' : 'out of scope'}`,
    `          groups the mapping looks at: ${o.groups.length > 0 ? o.groups.map((g) => printable(g)).join(', ') : 'none'}`,
  ];
}

/** A field's NEXT RUN cell. */
function nextText(f: FieldRow): string {
  if (f.next === 'same') return 'same';
  if (f.next === 'not-kept') return 'not kept by WFM';
  if (f.next === 'stored-form') return 'same (WFM form)';
  if (f.next === 'not-changed') return 'kept as created';
  return `set (${sideShort(f.side)})`;
}

/** The explanation as a person reads it: who, what the WFM holds, what the next run does and why, field by field. */
export function explainLines(e: Explanation): string[] {
  const lines = oktaLines(e);
  if (e.wfm.length === 0) lines.push('WFM       no user with this Okta id or userName');
  for (const w of e.wfm) {
    const link = w.matchedBy === 'externalId' ? 'linked by externalId' : w.externalId !== undefined ? `externalId ${printable(w.externalId)}` : 'no externalId';
    lines.push(`WFM       ${printable(w.userName)}  (${w.id}), ${w.active ? 'active' : 'inactive'}, ${link}`);
  }
  lines.push(`Next run  ${e.next.action}: ${e.next.reason}`);
  if (e.fields.length > 0) {
    const rows = e.fields.map((f) => [f.path, printable(f.okta), printable(f.wfm), lastWrittenText(f.lastWritten), nextText(f)]);
    lines.push('', ...formatTable(['FIELD', 'OKTA (MAPPED)', 'WFM NOW', 'LAST WRITTEN', 'NEXT RUN'], rows));
    if (e.fields.some((f) => f.next === 'set' && (f.side === 'wfm' || f.side === 'both'))) lines.push(`WFM edit: changed in the WFM since our last write; the next run puts Okta's value back.`);
    if (e.fields.some((f) => f.next === 'not-kept')) lines.push(`not kept by WFM: the WFM drops this attribute (see "Attributes the WFM does not keep" in the README); the next run writes it only with another change of the user.`);
    if (e.fields.some((f) => f.next === 'not-changed')) lines.push(`kept as created: the WFM answered updates of this attribute with the value it held before (see "Changes the WFM does not make" in the README); the next run leaves the change out, and one user is written again every 36 hours to ask again.`);
    for (const f of e.fields.filter((r) => r.next === 'stored-form')) {
      lines.push(`stored by WFM as ${printable(f.storedForm)}: the WFM answered our last write of ${f.path} with that form of the value sent; it is not written again while Okta keeps the value and the WFM that form.`);
    }
  }
  return lines;
}

export const explainCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('explain')
      .argument('<login>', 'the Okta login (or Okta user id)')
      .description('Show one user as Okta, the mapping and the WFM see it, and what the next run would do and why. Writes nothing.')
      .option('--json', 'print the explanation as one JSON object')
      .action(async (login: string, opts: { json?: boolean }) => {
        const code = await ctx.withApp(async (app) => {
          const explanation = await explainUser(app.deps, login);
          if (opts.json) ctx.io.stdout(JSON.stringify(explanation));
          else for (const line of explainLines(explanation)) ctx.io.stdout(line);
          // A login Okta does not know is most likely a typo: say so in the exit code too.
          return explanation.okta.found ? EXIT.ok : EXIT.failed;
        });
        ctx.setCode(code);
      });
  },
};
