import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load-config';
import { runCli } from '../../worker/cli';
import { problemsOf, validEnv } from '../helpers/env';

describe('loadConfig', () => {
  it('parses a complete environment with its defaults', () => {
    const cfg = loadConfig(validEnv({ OKTA_ORG_URL: 'https://example.okta.com/' }));
    // The API types an app id as a string: another make's UUID is one.
    expect(loadConfig(validEnv({ OKTA_APP_ID: '3f6c2a1e-9a1b-4c2d-8e3f-000000000001' })).okta.appId).toBe('3f6c2a1e-9a1b-4c2d-8e3f-000000000001');
    expect(cfg.okta.orgUrl).toBe('https://example.okta.com');
    expect(cfg.okta.supervisorGroups).toEqual(['WFM Supervisors']);
    expect(cfg.redis).toEqual({ url: 'redis://127.0.0.1:6379', seeds: ['redis://127.0.0.1:6379'], prefix: 'okta-wfm', cluster: false });
    expect(cfg.wfm.concurrency).toBe(4);
    expect(cfg.logLevel).toBe('info');
    expect(Object.isFrozen(cfg.okta)).toBe(true);
  });

  it('reads INCREMENTAL_RECONCILE_ABOVE as auto or a number of users, and names it when it is neither', () => {
    expect(loadConfig(validEnv()).incremental.reconcileAbove).toBe('auto');
    expect(loadConfig(validEnv({ INCREMENTAL_RECONCILE_ABOVE: ' 250 ' })).incremental.reconcileAbove).toBe(250);
    expect(problemsOf(validEnv({ INCREMENTAL_RECONCILE_ABOVE: 'lots' }))).toEqual([expect.stringMatching(/^INCREMENTAL_RECONCILE_ABOVE: must be 'auto' or a number of users/)]);
  });

  it('takes REDIS_CLUSTER only with a hash-tagged prefix and database 0, naming the setting', () => {
    expect(loadConfig(validEnv()).redis.cluster).toBe(false);
    expect(loadConfig(validEnv({ REDIS_CLUSTER: 'true', QUEUE_PREFIX: '{okta-wfm}' })).redis).toEqual({ url: 'redis://127.0.0.1:6379', seeds: ['redis://127.0.0.1:6379'], prefix: '{okta-wfm}', cluster: true });
    expect(problemsOf(validEnv({ REDIS_CLUSTER: 'true' }))).toEqual([
      'QUEUE_PREFIX: must hold a hash tag such as {okta-wfm} with REDIS_CLUSTER=true, so every key lives in one slot',
    ]);
    expect(problemsOf(validEnv({ REDIS_CLUSTER: 'true', QUEUE_PREFIX: '{sync}', REDIS_URL: 'redis://cache:6379/2' }))).toEqual([
      'REDIS_URL: selects database 2, but a Redis Cluster has database 0 only',
    ]);
    expect(problemsOf(validEnv({ REDIS_CLUSTER: 'yes' }))).toEqual([expect.stringMatching(/^REDIS_CLUSTER: must be 'true' or 'false'/)]);
  });

  describe('REDIS_URL as a list of cluster seeds', () => {
    const cluster = (url: string) => validEnv({ REDIS_CLUSTER: 'true', QUEUE_PREFIX: '{okta-wfm}', REDIS_URL: url });

    it('takes comma-separated URLs with REDIS_CLUSTER=true, the first shown as url', () => {
      const redis = loadConfig(cluster(' rediss://u:p%2Cw@node-a:6379 , rediss://u:p%2Cw@node-b:6380,rediss://u:p%2Cw@node-c ')).redis;
      expect(redis).toEqual({
        url: 'rediss://u:p%2Cw@node-a:6379',
        seeds: ['rediss://u:p%2Cw@node-a:6379', 'rediss://u:p%2Cw@node-b:6380', 'rediss://u:p%2Cw@node-c'],
        prefix: '{okta-wfm}',
        cluster: true,
      });
      expect(Object.isFrozen(redis.seeds)).toBe(true);
    });

    it('keeps a comma in a password inside its URL, and drops a trailing comma', () => {
      expect(loadConfig(validEnv({ REDIS_URL: 'redis://:pa,ss@cache:6379' })).redis.seeds).toEqual(['redis://:pa,ss@cache:6379']);
      expect(loadConfig(cluster('redis://a:7000,redis://b:7001,')).redis.seeds).toEqual(['redis://a:7000', 'redis://b:7001']);
    });

    it('refuses a list without REDIS_CLUSTER, naming REDIS_URL', () => {
      expect(problemsOf(validEnv({ REDIS_URL: 'redis://a:6379,redis://b:6379' }))).toEqual(['REDIS_URL: holds several URLs; a list is for REDIS_CLUSTER=true']);
      expect(problemsOf(validEnv({ REDIS_CLUSTER: 'false', REDIS_URL: 'redis://a:6379,redis://b:6379' }))).toEqual(['REDIS_URL: holds several URLs; a list is for REDIS_CLUSTER=true']);
    });

    it.each([
      ['mixed schemes', 'redis://a:6379,rediss://b:6379', 'REDIS_URL: mixes redis:// and rediss:// URLs: the URLs of a list must all use one scheme'],
      ['different passwords', 'redis://:pw-first@a:6379,redis://:pw-second@b:6379', 'REDIS_URL: the URLs of a list must hold the same user and password (those of the cluster)'],
      ['a password on one URL only', 'rediss://app:pw-first@a:6379,rediss://b:6379', 'REDIS_URL: the URLs of a list must hold the same user and password (those of the cluster)'],
      ['different users', 'redis://app:pw-first@a:6379,redis://admin:pw-first@b:6379', 'REDIS_URL: the URLs of a list must hold the same user and password (those of the cluster)'],
      ['an item that is not a redis URL', 'redis://a:6379,redis://', 'REDIS_URL: URL 2 of the list must be a redis:// or rediss:// URL'],
      ['seeds written without their scheme', 'redis://a:6379,b:6379', 'REDIS_URL: holds a comma in its host: start every URL of a list with redis:// or rediss://, e.g. redis://10.0.0.1:6379,redis://10.0.0.2:6379'],
      ['a seed that is not a valid URL', 'redis://a:6379,redis://[b:6379', 'REDIS_URL: URL 2 of the list is not a valid URL'],
    ])('refuses %s, naming REDIS_URL and never its credentials', (_, url, problem) => {
      const problems = problemsOf(cluster(url));
      expect(problems).toEqual([problem]);
      expect(problems.join('\n')).not.toMatch(/pw-/);
    });

    it('refuses a seed that selects a database other than 0', () => {
      expect(problemsOf(cluster('redis://a:6379/0,redis://b:6379/3'))).toEqual(['REDIS_URL: selects database 3, but a Redis Cluster has database 0 only']);
    });
  });

  it('reads OKTA_IN_SCOPE_STATUSES in any case, and names it when it lists a status that cannot be in scope', () => {
    expect(loadConfig(validEnv()).okta.inScopeStatuses).toEqual(['ACTIVE', 'PROVISIONED', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT']);
    expect(loadConfig(validEnv({ OKTA_IN_SCOPE_STATUSES: 'active, Suspended' })).okta.inScopeStatuses).toEqual(['ACTIVE', 'SUSPENDED']);
    expect(problemsOf(validEnv({ OKTA_IN_SCOPE_STATUSES: 'DEPROVISIONED' }))).toEqual([expect.stringMatching(/^OKTA_IN_SCOPE_STATUSES: must list Okta user statuses among /)]);
    expect(problemsOf(validEnv({ OKTA_IN_SCOPE_STATUSES: ' , ' }))).toEqual([expect.stringMatching(/^OKTA_IN_SCOPE_STATUSES: must name at least one status/)]);
  });

  it('reads HTTP_TRUSTED_PROXIES as addresses, CIDR ranges and range names, and names each entry it cannot read', () => {
    expect(loadConfig(validEnv({})).http.trustedProxies).toEqual([]);
    expect(loadConfig(validEnv({ HTTP_TRUSTED_PROXIES: ' 10.0.0.0/8, fd00::/8 ,Loopback,192.0.2.7' })).http.trustedProxies).toEqual(['10.0.0.0/8', 'fd00::/8', 'loopback', '192.0.2.7']);
    expect(problemsOf(validEnv({ HTTP_TRUSTED_PROXIES: '10.0.0.0/33,proxy.internal,fd00::/129' }))).toEqual([
      "HTTP_TRUSTED_PROXIES: '10.0.0.0/33' has a prefix length that is not 0 to 32",
      "HTTP_TRUSTED_PROXIES: 'proxy.internal' is not an IP address, a CIDR range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal",
      "HTTP_TRUSTED_PROXIES: 'fd00::/129' has a prefix length that is not 0 to 128",
    ]);
  });

  it.each([
    ['SYNC_CRON', '99 99 * * *', /^SYNC_CRON: must be a cron expression \(5 or 6 fields\) or off: .*99/],
    ['SYNC_CRON', 'a b c d e', /^SYNC_CRON: must be a cron expression \(5 or 6 fields\) or off: .+/],
    ['INCREMENTAL_CRON', '*/0 * * * *', /^INCREMENTAL_CRON: must be a cron expression \(5 or 6 fields\) or off: .+/],
    ['OFFBOARD_CRON', '0 2 31 2 *', /^OFFBOARD_CRON: must be a cron expression \(5 or 6 fields\) or off: .+/],
    ['SYNC_CRON', '0 2 * *', /^SYNC_CRON: must be a cron expression \(5 or 6 fields\) or off$/],
  ])('refuses %s=%s, a pattern no schedule can run, naming the setting and why', (name, value, message) => {
    expect(problemsOf(validEnv({ [name]: value }))).toEqual([expect.stringMatching(message)]);
  });

  it('takes every cron the schedules can run: 5 fields, 6 fields (seconds first), off', () => {
    expect(loadConfig(validEnv({ SYNC_CRON: '0 2 * * 1-5', INCREMENTAL_CRON: '*/30 * * * * *', OFFBOARD_CRON: 'off' })).worker.schedules).toEqual({
      'full-sync': '0 2 * * 1-5',
      'incremental-sync': '*/30 * * * * *',
    });
  });

  it('splits SUPERVISOR_GROUPS on commas', () => {
    expect(loadConfig(validEnv({ SUPERVISOR_GROUPS: ' Team Leads , WFM Supervisors,' })).okta.supervisorGroups).toEqual([
      'Team Leads',
      'WFM Supervisors',
    ]);
  });

  it('takes SUPERVISOR_GROUPS=off as no supervisor group, and refuses a list of commas alone', () => {
    expect(loadConfig(validEnv({ SUPERVISOR_GROUPS: 'Off' })).okta.supervisorGroups).toEqual([]);
    expect(loadConfig(validEnv()).okta.supervisorGroups).toEqual(['WFM Supervisors']);
    expect(problemsOf(validEnv({ SUPERVISOR_GROUPS: ' , ' }))).toEqual(['SUPERVISOR_GROUPS: must name at least one group, or be off']);
    expect(problemsOf(validEnv({ SUPERVISOR_GROUPS: 'off,Leads' }))).toEqual(['SUPERVISOR_GROUPS: is off alone or a list of groups, not both (a group named off goes by its id)']);
  });

  it('names every missing setting, one line each', () => {
    const problems = problemsOf({});
    for (const name of ['OKTA_ORG_URL', 'OKTA_API_TOKEN', 'OKTA_APP_ID', 'WFM_SCIM_URL', 'WFM_SCIM_TOKEN']) {
      expect(problems.filter((p) => p.startsWith(`${name}:`))).toHaveLength(1);
    }
    expect(problems).toContain('OKTA_API_TOKEN: is required (or OKTA_API_TOKEN_FILE), unless the service app OKTA_CLIENT_ID and OKTA_PRIVATE_KEY are set');
    // The user-management API is optional, as a whole (test/config/offboard-settings.test.ts).
    expect(problems.filter((p) => p.startsWith('WFM_A'))).toEqual([]);
  });

  it.each([
    ['OKTA_ORG_URL', 'http://example.okta.com', 'must use https://'],
    ['WFM_SCIM_URL', 'ftp://wfm.example.com', 'must be an https:// URL'],
    ['WFM_API_URL', 'not a url', 'is not a valid URL'],
    ['WFM_CONCURRENCY', 'lots', 'must be a whole number'],
    ['WFM_CONCURRENCY', '0', 'must be between 1 and 64'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL'],
    ['REDIS_URL', 'localhost:6379', 'must be a redis:// or rediss:// URL'],
    ['OKTA_APP_ID', 'app id!', 'must be an Okta application id'],
    ['OKTA_APP_ID', '0oa1/../users', 'must be an Okta application id'],
  ])('refuses %s=%s', (name, value, message) => {
    const problems = problemsOf(validEnv({ [name]: value }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
    expect(problems[0]).toContain(message);
  });

  it.each(['http://127.0.0.1:8080', 'http://localhost:9000/scim/v2', 'http://[::1]:8080'])('accepts http:// for loopback %s', (url) => {
    expect(loadConfig(validEnv({ WFM_SCIM_URL: url })).wfm.scimUrl).toBe(url.replace(/\/$/, ''));
  });

  it('accepts http:// for any host with ALLOW_PLAIN_HTTP=true, and names every such URL without it', () => {
    const env = validEnv({ OKTA_ORG_URL: 'http://okta-mock:8080', WFM_SCIM_URL: 'http://scim:8080/scim/v2', WFM_API_URL: 'http://10.0.0.5' });
    expect(problemsOf(env)).toEqual(
      ['OKTA_ORG_URL', 'WFM_SCIM_URL', 'WFM_API_URL'].map((name) => `${name}: must use https:// (http:// is accepted only for loopback hosts, or for any host with ALLOW_PLAIN_HTTP=true)`),
    );
    const cfg = loadConfig({ ...env, ALLOW_PLAIN_HTTP: 'true' });
    expect([cfg.okta.orgUrl, cfg.wfm.scimUrl, cfg.wfm.api?.url]).toEqual(['http://okta-mock:8080', 'http://scim:8080/scim/v2', 'http://10.0.0.5']);
    expect(problemsOf({ ...env, ALLOW_PLAIN_HTTP: 'yes' })).toContain("ALLOW_PLAIN_HTTP: must be 'true' or 'false'");
    // It allows plain http, nothing else.
    expect(problemsOf(validEnv({ ALLOW_PLAIN_HTTP: 'true', WFM_SCIM_URL: 'ftp://wfm.example.com' }))).toEqual(['WFM_SCIM_URL: must be an https:// URL']);
  });

  it('reads a secret from NAME_FILE, again on every use', () => {
    const dir = mkdtempSync(join(tmpdir(), 'owfs-'));
    const file = join(dir, 'token');
    writeFileSync(file, 'first\n');
    const cfg = loadConfig(validEnv({ WFM_SCIM_TOKEN: undefined, WFM_SCIM_TOKEN_FILE: file }));
    expect(cfg.wfm.scimToken.reveal()).toBe('first');
    writeFileSync(file, 'second\n');
    expect(cfg.wfm.scimToken.reveal()).toBe('second');
    expect(JSON.stringify(cfg)).not.toContain('second');
    expect(String(cfg.wfm.scimToken)).toBe('[redacted]');
  });

  it('refuses both NAME and NAME_FILE, and an unreadable file', () => {
    expect(problemsOf(validEnv({ WFM_SCIM_TOKEN_FILE: '/nonexistent/token' }))).toEqual([
      'WFM_SCIM_TOKEN: set either WFM_SCIM_TOKEN or WFM_SCIM_TOKEN_FILE, not both',
    ]);
    expect(problemsOf(validEnv({ WFM_SCIM_TOKEN: undefined, WFM_SCIM_TOKEN_FILE: '/nonexistent/token' }))[0]).toMatch(
      /^WFM_SCIM_TOKEN_FILE: cannot read \/nonexistent\/token/,
    );
  });

  it('loads a mapping file and names its problems under MAPPING_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'owfs-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'attributes:\n  userType:\n    source: profile.title\n');
    expect(loadConfig(validEnv({ MAPPING_FILE: good })).mapping.attributes.userType).toEqual({ source: 'profile.title', transform: [] });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'attributes:\n  shoeSize:\n    source: profile.shoe\n');
    expect(problemsOf(validEnv({ MAPPING_FILE: bad }))).toEqual(['MAPPING_FILE: attributes.shoeSize: unknown target attribute "shoeSize"']);
    expect(problemsOf(validEnv({ MAPPING_FILE: join(dir, 'missing.yaml') }))[0]).toMatch(/^MAPPING_FILE: .* does not exist$/);
    // An empty file, or one of comments alone, is not the default mapping by mistake; a directory is not a file to read.
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, '# the mapping\n');
    expect(problemsOf(validEnv({ MAPPING_FILE: empty }))).toEqual([`MAPPING_FILE: ${empty} is empty; unset MAPPING_FILE to use the default mapping`]);
    expect(problemsOf(validEnv({ MAPPING_FILE: dir }))).toEqual([`MAPPING_FILE: cannot read ${dir} (EISDIR)`]);
  });
});

describe('the CLI on bad configuration', () => {
  it('exits 2 with one line per problem naming the setting, and no secret', async () => {
    const err: string[] = [];
    const code = await runCli(['sync', '--once'], {
      env: validEnv({ OKTA_ORG_URL: 'http://okta.example.com', WFM_ACCESS_KEY_ID: undefined }),
      stdout: () => undefined,
      stderr: (l) => err.push(l),
    });
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('OKTA_ORG_URL: must use https://');
    expect(err.join('\n')).toContain('WFM_ACCESS_KEY_ID: is required');
    expect(err.join('\n')).not.toMatch(/okta-token-value|scim-token-value|key-secret-value/);
  });

  it('exits 2 naming OKTA_APP_ID when neither it nor OKTA_GROUPS is set', async () => {
    const err: string[] = [];
    const code = await runCli(['sync', '--once'], { env: validEnv({ OKTA_APP_ID: undefined }), stdout: () => undefined, stderr: (l) => err.push(l) });
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('OKTA_APP_ID: is required, unless OKTA_GROUPS is set');
  });

  it.each([['sync', '--once'], ['check']])('%s exits 2 naming OKTA_APP_ID and OKTA_GROUPS when both are set', async (...args) => {
    const err: string[] = [];
    const code = await runCli(args, { env: validEnv({ OKTA_GROUPS: 'WFM Agents' }), stdout: () => undefined, stderr: (l) => err.push(l) });
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('OKTA_APP_ID, OKTA_GROUPS: set one, not both');
  });

  it('exits 2 on an unknown option', async () => {
    const code = await runCli(['sync', '--once', '--bogus'], { env: validEnv(), stdout: () => undefined, stderr: () => undefined });
    expect(code).toBe(2);
  });
});
