// Standalone sandbox WFM:
//   node dist/sandbox/wfm/main.js --port 0 [--host 127.0.0.1] [--max-page-size 100] [--latency-ms 0]
//     [--filter-required] [--no-etags] [--token-ttl-seconds 3600] [--scim-token T]
//     [--disabled-attributes displayName,name.middleName,<urn>:department] [--kept-as-created userName,emails] [--pagination index|cursor]
// Prints one JSON line {url, scimUrl, apiUrl, scimToken, accessKeyId, accessKeySecret} once listening.
import { parseArgs } from 'node:util';
import type { WfmSandbox } from './server';
import { startWfmSandbox } from './server';

const intOption = (name: string, raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new Error(`--${name} must be a non-negative integer, got '${raw}'`);
  return Number(raw);
};

/** A comma-separated list; URNs hold colons, never commas. */
const listOption = (raw: string | undefined): string[] | undefined =>
  raw?.split(',').map((item) => item.trim()).filter((item) => item !== '');

const paginationOption = (raw: string | undefined): 'index' | 'cursor' | undefined => {
  if (raw === undefined || raw === 'index' || raw === 'cursor') return raw;
  throw new Error(`--pagination must be index or cursor, got '${raw}'`);
};

/** Starts the sandbox from command-line arguments and prints its addresses; returns it (for tests). */
export const main = async (argv: string[]): Promise<WfmSandbox> => {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string' },
      'max-page-size': { type: 'string' },
      'latency-ms': { type: 'string' },
      'token-ttl-seconds': { type: 'string' },
      'filter-required': { type: 'boolean', default: false },
      'no-etags': { type: 'boolean', default: false },
      'scim-token': { type: 'string' },
      'disabled-attributes': { type: 'string' },
      'kept-as-created': { type: 'string' },
      pagination: { type: 'string' },
    },
    strict: true,
  });
  const sandbox = await startWfmSandbox({
    port: intOption('port', values.port),
    host: values.host,
    maxPageSize: intOption('max-page-size', values['max-page-size']),
    tokenTtlSeconds: intOption('token-ttl-seconds', values['token-ttl-seconds']),
    filterRequired: values['filter-required'],
    etags: !values['no-etags'],
    scimToken: values['scim-token'],
    disabledAttributes: listOption(values['disabled-attributes']),
    keptAsCreated: listOption(values['kept-as-created']),
    pagination: paginationOption(values.pagination),
  });
  sandbox.faults.latencyMs = intOption('latency-ms', values['latency-ms']) ?? 0;
  const { url, scimUrl, apiUrl, scimToken, accessKeyId, accessKeySecret } = sandbox;
  // Sandbox-only credentials: printing them is the point.
  process.stdout.write(`${JSON.stringify({ url, scimUrl, apiUrl, scimToken, accessKeyId, accessKeySecret })}\n`);
  return sandbox;
};

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  });
}
