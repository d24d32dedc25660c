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

export const USAGE = `Usage: node dist/sandbox/wfm/main.js [options]

Starts the sandbox WFM (SCIM 2.0 at /scim/v2 and the user-management API, on loopback) and prints
one JSON line, {"url", "scimUrl", "apiUrl", "scimToken", "accessKeyId", "accessKeySecret"}, once it
listens. It runs until stopped (Ctrl-C).

Options:
  --port <n>                     port to listen on; 0, the default, picks a free one
  --host <address>               address to listen on (default 127.0.0.1)
  --max-page-size <n>            most users a SCIM list page holds (default 100)
  --latency-ms <n>               delay of every SCIM and user-management answer (default 0)
  --filter-required              refuse GET /Users without a filter (a WFM that allows search only)
  --no-etags                     no meta.version, ETag or If-Match (a WFM without versions)
  --token-ttl-seconds <n>        lifetime of the user-management access tokens (default 3600)
  --scim-token <token>           SCIM bearer token it accepts (default sandbox-scim-token)
  --disabled-attributes <a,b>    optional attributes the tenant has not enabled (dropped on write)
  --kept-as-created <a,b>        attributes a PUT leaves as they were created, answering 200 with them
  --pagination index|cursor      page GET /Users by startIndex (default) or by cursor (RFC 9865)
  --help                         print this help
`;

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
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) process.stdout.write(USAGE);
  else {
    main(argv).catch((err: unknown) => {
      process.stderr.write(`sandbox wfm: ${err instanceof Error ? err.message : String(err)} (see --help)\n`);
      process.exit(2);
    });
  }
}
