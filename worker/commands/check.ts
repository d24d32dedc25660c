import { describeError, isSyncError, isTransient } from '../../clients/errors';
import { createOktaSource, type GroupProbe, type OktaSource } from '../../clients/okta';
import type { AppConfig } from '../../config/app-config';
import { withNextStep } from '../../jobs/next-step';
import { redisPing } from '../../store/redis';
import { EXIT, shownRedis, type CommandModule } from '../cli-context';
import { createWfmClients } from '../main';
import { ownedPaths } from '../../mappers/okta-to-wfm';
import { unlistedPaths } from '../../mappers/scim-schemas';
import { unkeptAdvice } from '../../sync/unkept';
import { offboardingOff } from '../../config/offboarding';
import { hasAdminCredentials, httpExposureProblem } from '../auth';
import { leftOutOfListing } from '../../mappers/listed-attributes';
import type { WfmUser } from '../../sync/types';

/** Listed users compared with the same users read alone. */
const LISTING_SAMPLE = 5;

export const CHECK_NAMES = ['redis', 'okta', 'okta-groups', 'okta-log', 'wfm-scim', 'wfm-schema', 'wfm-listing', 'wfm-api', 'http'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];
/** `warning`: it passed, but something may go wrong (the exit code stays 0). */
export type CheckResult = { name: CheckName; ok: boolean; detail: string; warning?: true };

/** A probe answers what it found (with a warning, when it found something to look at), or throws what failed. */
type Probe = () => Promise<string | { warning: string }>;

const quoted = (g: GroupProbe): string => `"${g.name}"${'ids' in g && g.ids.length > 1 ? ` (${g.ids.length} groups)` : ''}`;

/** The groups found, or an error with every entry that stands for no group (each names its setting). */
function foundGroups(groups: readonly GroupProbe[]): string {
  const problems = groups.flatMap((g) => ('problem' in g ? [g.problem] : []));
  if (problems.length > 0) throw new Error(problems.join('; '));
  return groups.map(quoted).join(', ');
}

/**
 * The probes, each reading the least that shows a setting works, and writing nothing. Clients are
 * built without retries and without the group id cache: a preflight answers within the request
 * timeouts, and leaves no state behind.
 */
function probes(config: AppConfig): Record<CheckName, Probe> {
  let okta: OktaSource | undefined;
  // Built on first use, inside a probe: credentials the SDK refuses to take fail that probe alone.
  const oktaSource = (): OktaSource => (okta ??= createOktaSource({ ...config.okta, retry: { maxRetries: 0 } }));
  const { scim, wfmApi } = createWfmClients({ ...config, wfm: { ...config.wfm, maxRetries: 0 } });
  const redisAt = shownRedis(config.redis);
  return {
    async redis() {
      const ping = await redisPing(config.redis.seeds);
      if (ping === 'down') throw new Error(`no answer to PING at REDIS_URL (${redisAt})`);
      if (ping !== 'answers') throw new Error(`Redis at REDIS_URL (${redisAt}) ${ping.refused}`);
      return `answers PING at ${redisAt}`;
    },
    async okta() {
      const found = await oktaSource().probeScope();
      if (found.scope === 'app') return `app ${found.appId} answers (app users listed)`;
      return `OKTA_GROUPS ${foundGroups(found.groups)} answer (members listed)`;
    },
    async 'okta-groups'() {
      const groups = await oktaSource().probeGroups();
      return groups.length === 0 ? 'no groups named (SUPERVISOR_GROUPS and the group rules are empty)' : `found ${foundGroups(groups)}`;
    },
    async 'okta-log'() {
      try {
        const { unfiltered } = await oktaSource().probeLog();
        if (unfiltered) return { warning: 'the System Log refuses the event filter: incremental runs read it unfiltered (more pages in a busy org)' };
      } catch (err) {
        // Only the incremental sync reads the System Log: without its schedule, a failure is a warning.
        if (config.worker.schedules['incremental-sync'] !== undefined) throw err;
        return { warning: `${failure(err)}: incremental runs (INCREMENTAL_CRON is off) would fail` };
      }
      return 'the System Log answers (incremental runs read it)';
    },
    async 'wfm-scim'() {
      const { totalResults } = await scim.probe(config.wfm.readMode);
      if (config.wfm.readMode === 'lookup') return 'GET /Users answers a userName lookup (WFM_READ_MODE=lookup)';
      // A WFM paging by cursor may announce no total (RFC 9865 §2).
      if (totalResults === undefined) return 'GET /Users answers';
      return `GET /Users answers (${totalResults} user${totalResults === 1 ? '' : 's'})`;
    },
    async 'wfm-schema'() {
      let body: unknown;
      try {
        body = await scim.schemas();
      } catch (err) {
        return { warning: `GET /Schemas failed (${describeError(err)}): the mapped attributes cannot be checked against the WFM's schema` };
      }
      const paths = ownedPaths(config.mapping).filter((p) => p !== 'externalId');
      const unlisted = unlistedPaths(body, paths, config.mapping.customSchema);
      if (unlisted === undefined) return { warning: "GET /Schemas answered no readable User schema: the mapped attributes cannot be checked against the WFM's schema" };
      if (unlisted.length === 0) return `the WFM's schema lists every mapped attribute (${paths.length})`;
      return { warning: `the WFM's schema does not list ${unlisted.join(', ')}: the WFM would most likely drop or refuse ${unlisted.length === 1 ? 'it' : 'them'}; ${unkeptAdvice(unlisted)}` };
    },
    async 'wfm-listing'() {
      if (config.wfm.readMode === 'lookup') return 'not checked (WFM_READ_MODE=lookup: each user is read by filter)';
      const missing = new Set<string>();
      let listed: WfmUser[];
      let again: string | undefined;
      try {
        ({ users: listed, firstPageAgain: again } = await scim.sampleListing(LISTING_SAMPLE));
        // A WFM that ignores count lists more than asked: only the sample is read again.
        listed = listed.slice(0, LISTING_SAMPLE);
        for (const user of listed) for (const path of leftOutOfListing(user.raw, (await scim.get(user.id)).raw)) missing.add(path);
      } catch (err) {
        // wfm-scim says what fails; this one only compares.
        return { warning: `the listing could not be compared with GET /Users/{id} (${describeError(err)})` };
      }
      // Every full sync would stop on such a listing (the first sync, of an empty WFM, would not yet).
      if (again !== undefined) throw new Error(`GET /Users ${again}`);
      if (listed.length === 0) return 'not checked (the WFM lists no users yet)';
      if (missing.size === 0) return `the listing holds what GET /Users/{id} holds (${listed.length} user${listed.length === 1 ? '' : 's'} compared)`;
      const left = [...missing].sort().join(', ');
      if (config.wfm.readBeforeUpdate === 'always') return `the listing leaves out ${left}; every update reads its user first (WFM_READ_BEFORE_UPDATE=always)`;
      return { warning: `the listing leaves out ${left}, which GET /Users/{id} shows: an update merged into a listed copy would drop them; set WFM_READ_BEFORE_UPDATE=always` };
    },
    async http() {
      // The worker refuses to start its HTTP server so: said here, before it is deployed.
      const exposure = httpExposureProblem(config.http);
      if (exposure) throw new Error(`${exposure} (or run the worker with --no-http); the worker would not start`);
      const auth = hasAdminCredentials(config.http) ? 'with the admin credentials' : 'on loopback only, without credentials';
      return `the worker's HTTP server would listen at ${config.http.host}:${config.http.port}, ${auth}`;
    },
    async 'wfm-api'() {
      if (!wfmApi) return { warning: 'not configured (WFM_API_URL): off-boarding is off, and an inactive user is revived by a SCIM PUT with active: true' };
      await wfmApi.probe();
      const off = offboardingOff(config.wfm);
      if (off !== undefined) return { warning: `access key accepted (access token issued), but off-boarding is off: ${off}` };
      return 'access key accepted (access token issued)';
    },
  };
}

/** What failed, in the product's words; a refused credential also says which setting to check. */
function failure(err: unknown): string {
  return isSyncError(err) && !isTransient(err) ? withNextStep(err) : describeError(err);
}

/** Runs every probe at once; one failing leaves the others to answer. */
export async function runChecks(config: AppConfig): Promise<CheckResult[]> {
  const all = probes(config);
  return Promise.all(
    CHECK_NAMES.map(async (name) => {
      try {
        const found = await all[name]();
        return typeof found === 'string' ? { name, ok: true, detail: found } : { name, ok: true, warning: true, detail: found.warning };
      } catch (err) {
        return { name, ok: false, detail: failure(err) };
      }
    }),
  );
}

export const checkCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('check')
      .description('Check the settings before a first sync: Redis, Okta, its groups and its System Log, WFM SCIM (that its schema lists the mapped attributes, and its listing holds what GET /Users/{id} holds) and the WFM API answer, and that the worker may start its HTTP server. Writes nothing.')
      .option('--json', 'print one JSON object')
      .action(async (opts: { json?: boolean }) => {
        const checks = await runChecks(ctx.config());
        const failed = checks.filter((c) => !c.ok).length;
        if (opts.json) ctx.io.stdout(JSON.stringify({ checks, ok: failed === 0 }));
        else {
          for (const c of checks) ctx.io.stdout(`${(c.ok ? (c.warning ? 'warn' : 'ok') : 'FAIL').padEnd(6)}${c.name.padEnd(12)}${c.detail}`);
          ctx.io.stdout(failed === 0 ? 'all checks passed' : `${failed} of ${checks.length} checks failed`);
        }
        ctx.setCode(failed === 0 ? EXIT.ok : EXIT.failed);
      });
  },
};
