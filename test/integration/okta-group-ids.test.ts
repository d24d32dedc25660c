import { Redis } from 'ioredis';
import winston from 'winston';
import { createOktaSource, type OktaPull, type OktaSourceConfig } from '../../clients/okta';
import type { GroupIdCache } from '../../clients/okta-groups';
import { loadConfig } from '../../config/load-config';
import { DEFAULT_MAPPING } from '../../config/mapping';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { summarizeOrg } from '../../sandbox/okta/oracle';
import { createGroupIdCache } from '../../store/group-ids';
import { buildApp } from '../../worker/main';
import { startTestApp } from '../helpers/app';
import { startHarness, REDIS_URL, type Harness } from '../helpers/harness';
import { sandboxOktaConfig } from '../helpers/okta-config';

/**
 * Group names resolved once and kept in Redis, group ids used as they are: counted in the sandbox
 * Okta's request log, against real Redis. Each test has its own key prefix; a new OktaSource on the
 * same prefix is what a new `sync --once` process is.
 */
describe('Okta groups by id, and group names resolved once across runs', () => {
  let h: Harness;
  let redis: Redis;
  const SUPERVISORS = 'WFM Supervisors';
  const UNKNOWN_ID = '00g0000000000000nope';

  const cache = (prefix: string): GroupIdCache => createGroupIdCache(redis, prefix);
  const source = (prefix: string | undefined, extra: Partial<OktaSourceConfig> = {}) =>
    createOktaSource(
      sandboxOktaConfig(h.okta, {
        retry: { baseDelayMs: 5, maxDelayMs: 20 },
        ...(prefix !== undefined ? { groupIdCache: cache(prefix) } : {}),
        ...extra,
      }),
    );
  const groupId = (name: string): string => {
    const id = h.okta.state.groupByName(name)?.id;
    if (id === undefined) throw new Error(`no group ${name}`);
    return id;
  };
  /** The name lookups (`GET /api/v1/groups?q=`) and member listings, as `q=<name> <status>` / `<group id> <status>`. */
  const lookups = (): string[] => h.okta.requests.filter((r) => r.path === '/api/v1/groups' && r.query.q !== undefined).map((r) => `q=${r.query.q} ${r.status}`);
  const listings = (): string[] =>
    h.okta.requests.map((r) => /^\/api\/v1\/groups\/([^/]+)\/users$/.exec(r.path)).flatMap((m, i) => (m ? [`${m[1]} ${h.okta.requests[i]?.status}`] : []));
  const groupCalls = (): string[] =>
    h.okta.requests.filter((r) => r.path.startsWith('/api/v1/groups')).map((r) => {
      if (r.query.q !== undefined) return `q=${r.query.q} ${r.status}`;
      if (r.query.search !== undefined) return `search=${r.query.search} ${r.status}`;
      return `${r.path.split('/')[4]} ${r.status}`;
    });
  const holding = (pull: OktaPull, entry: string): string[] => pull.users.filter((u) => u.groups.includes(entry)).map((u) => u.id).sort();
  /** A new group of `count` active users assigned to the app (so in scope), none a supervisor. */
  const newGroup = (name: string, skip: number, count: number): { id: string; members: string[] } => {
    const supervisors = new Set(h.okta.state.groupMembers(groupId(SUPERVISORS)).map((u) => u.id));
    const pool = h.okta.state.appUsers(h.okta.appId).map((a) => a.userId).filter((id) => h.okta.state.getUser(id)?.status === 'ACTIVE' && !supervisors.has(id));
    const members = pool.slice(skip, skip + count);
    if (members.length < count) throw new Error('not enough users');
    const group = h.okta.state.createGroup(name);
    for (const id of members) h.okta.state.addToGroup(group.id, id);
    return { id: group.id, members: [...members].sort() };
  };

  beforeAll(async () => {
    h = await startHarness({ users: 80, seed: 31 });
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await redis.quit();
    await h.close();
  });
  beforeEach(() => {
    h.okta.requests.length = 0;
  });

  it('a name is looked up by the first pull only: a new source on the same prefix lists the cached id and finds the same supervisors', async () => {
    const prefix = `${h.prefix}:by-name`;
    const expected = [...summarizeOrg(h.okta.state, { appId: h.okta.appId, supervisorGroup: SUPERVISORS }).supervisorIds].sort();
    expect(expected.length).toBeGreaterThan(0);

    const first = await source(prefix).pullInScope();
    expect(lookups()).toEqual([`q=${SUPERVISORS} 200`]);
    expect(listings()).toEqual([`${groupId(SUPERVISORS)} 200`]);
    expect(await cache(prefix).get(SUPERVISORS)).toEqual([groupId(SUPERVISORS)]);
    expect(holding(first, SUPERVISORS)).toEqual(expected);

    h.okta.requests.length = 0;
    const second = await source(prefix).pullInScope();
    expect(lookups()).toEqual([]);
    expect(listings()).toEqual([`${groupId(SUPERVISORS)} 200`]);
    expect(holding(second, SUPERVISORS)).toEqual(expected);
    expect(second.counts).toEqual(first.counts);
  });

  it('without a cache, every pull looks the name up (as before)', async () => {
    await source(undefined).pullInScope();
    await source(undefined).pullInScope();
    expect(lookups()).toEqual([`q=${SUPERVISORS} 200`, `q=${SUPERVISORS} 200`]);
  });

  it('groups given by id are listed directly, never looked up, and the id as configured is what users carry and rules match', async () => {
    const prefix = `${h.prefix}:by-id`;
    const [supervisors, agents, engineering] = [groupId(SUPERVISORS), groupId('WFM Agents'), groupId('Engineering')];
    const pull = await source(prefix, { supervisorGroups: [supervisors], scopeGroups: [agents], ruleGroups: [engineering] }).pullInScope();

    expect(lookups()).toEqual([]);
    expect(listings().sort()).toEqual([`${supervisors} 200`, `${agents} 200`, `${engineering} 200`].sort());
    expect(await redis.hlen(`${prefix}:okta:group-ids`)).toBe(0);
    const members = (id: string): Set<string> => new Set(h.okta.state.groupMembers(id).map((u) => u.id));
    const inScope = pull.users.map((u) => u.id);
    expect(inScope.length).toBeGreaterThan(0);
    expect(inScope.every((id) => members(agents).has(id))).toBe(true);
    const expectedSupervisors = inScope.filter((id) => members(supervisors).has(id)).sort();
    expect(expectedSupervisors.length).toBeGreaterThan(0);
    expect(holding(pull, supervisors)).toEqual(expectedSupervisors);
    expect(pull.counts.supervisors).toBe(expectedSupervisors.length);
    expect(holding(pull, engineering)).toEqual(inScope.filter((id) => members(engineering).has(id)).sort());

    // The role as the sync maps it, with SUPERVISOR_GROUPS given as the id.
    const supervisor = pull.users.find((u) => u.id === expectedSupervisors[0]);
    const agent = pull.users.find((u) => !members(supervisors).has(u.id));
    if (!supervisor || !agent) throw new Error('users');
    const role = (u: typeof supervisor): string | undefined => {
      const mapped = mapOktaUser(u, { mapping: DEFAULT_MAPPING, supervisorGroups: [supervisors] });
      return mapped.ok ? mapped.user.attrs['roles.primary'] : mapped.reason;
    };
    expect([role(supervisor), role(agent)]).toEqual(['supervisor', 'agent']);

    // One user read afresh (the incremental sync) carries the id too, and is in scope through it.
    expect(await source(prefix, { supervisorGroups: [supervisors], scopeGroups: [agents] }).checkUser(supervisor.id)).toMatchObject({
      found: true,
      inScope: true,
      user: { groups: [supervisors] },
    });
  });

  it('a group named both by name and by id is listed once, by the first pull and from the cache, and users carry both entries', async () => {
    const prefix = `${h.prefix}:name-and-id`;
    const [supervisors, agents] = [groupId(SUPERVISORS), groupId('WFM Agents')];
    const cfg = { supervisorGroups: [SUPERVISORS, supervisors], scopeGroups: [agents, 'WFM Agents'] };
    const members = (id: string): Set<string> => new Set(h.okta.state.groupMembers(id).map((u) => u.id));

    const first = await source(prefix, cfg).pullInScope();
    expect(lookups().sort()).toEqual([`q=${SUPERVISORS} 200`, 'q=WFM Agents 200'].sort());
    expect(listings().sort()).toEqual([`${supervisors} 200`, `${agents} 200`].sort());
    const expected = first.users.map((u) => u.id).filter((id) => members(supervisors).has(id)).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(holding(first, SUPERVISORS)).toEqual(expected);
    expect(holding(first, supervisors)).toEqual(expected);
    expect(first.counts).toMatchObject({ appUsers: members(agents).size, supervisors: expected.length });

    h.okta.requests.length = 0;
    const second = await source(prefix, cfg).pullInScope();
    expect(lookups()).toEqual([]);
    expect(listings().sort()).toEqual([`${supervisors} 200`, `${agents} 200`].sort());
    expect(second).toEqual(first);
  });

  it('a cached id whose group was deleted is forgotten and the name looked up again; the group recreated under the name is found', async () => {
    const prefix = `${h.prefix}:recreated`;
    const old = newGroup('Team Leads', 0, 3);
    const cfg = { supervisorGroups: ['Team Leads'] };
    expect(holding(await source(prefix, cfg).pullInScope(), 'Team Leads')).toEqual(old.members);
    expect(await cache(prefix).get('Team Leads')).toEqual([old.id]);

    h.okta.state.deleteGroup(old.id);
    const recreated = newGroup('Team Leads', 3, 2);
    h.okta.requests.length = 0;
    const pull = await source(prefix, cfg).pullInScope();
    expect(groupCalls()).toEqual([`${old.id} 404`, 'q=Team Leads 200', `${recreated.id} 200`]);
    expect(holding(pull, 'Team Leads')).toEqual(recreated.members);
    expect(pull.counts.supervisors).toBe(2);
    expect(await cache(prefix).get('Team Leads')).toEqual([recreated.id]);

    h.okta.requests.length = 0;
    await source(prefix, cfg).pullInScope();
    expect(groupCalls()).toEqual([`${recreated.id} 200`]);
  });

  it('a cached id whose group was deleted and not recreated: one lookup (q, then a search on the exact name), then the config error naming the setting, and nothing left cached', async () => {
    const prefix = `${h.prefix}:deleted`;
    const gone = newGroup('Floor Walkers', 5, 2);
    const cfg = { supervisorGroups: [SUPERVISORS], ruleGroups: ['Floor Walkers'] };
    await source(prefix, cfg).pullInScope();
    expect(await cache(prefix).get('Floor Walkers')).toEqual([gone.id]);

    h.okta.state.deleteGroup(gone.id);
    h.okta.requests.length = 0;
    await expect(source(prefix, cfg).pullInScope()).rejects.toMatchObject({
      kind: 'config',
      service: 'okta',
      message: 'MAPPING_FILE (groupRules): Okta has no group named "Floor Walkers"',
    });
    expect(groupCalls()).toEqual([`${groupId(SUPERVISORS)} 200`, `${gone.id} 404`, 'q=Floor Walkers 200', 'search=profile.name eq "Floor Walkers" 200']);
    expect(await cache(prefix).get('Floor Walkers')).toBeUndefined();
    expect(await cache(prefix).get(SUPERVISORS)).toEqual([groupId(SUPERVISORS)]);
  });

  it.each<[string, Partial<OktaSourceConfig>]>([
    ['SUPERVISOR_GROUPS', { supervisorGroups: [UNKNOWN_ID] }],
    ['OKTA_GROUPS', { scopeGroups: [UNKNOWN_ID] }],
    ['MAPPING_FILE (groupRules)', { ruleGroups: [UNKNOWN_ID] }],
  ])('an id Okta does not know in %s is a config error naming the setting and the id', async (setting, extra) => {
    const prefix = `${h.prefix}:unknown`;
    await expect(source(prefix, extra).pullInScope()).rejects.toMatchObject({
      kind: 'config',
      service: 'okta',
      message: `${setting}: Okta has no group with id "${UNKNOWN_ID}"`,
    });
    expect(listings()).toContain(`${UNKNOWN_ID} 404`);
    expect(lookups().filter((l) => l.includes(UNKNOWN_ID))).toEqual([]);
    expect(await redis.hexists(`${prefix}:okta:group-ids`, UNKNOWN_ID)).toBe(0);
  });

  it('a Redis that fails to answer the cache does not fail the pull: the name is looked up', async () => {
    const down = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    try {
      const broken = createGroupIdCache(down, `${h.prefix}:down`);
      await expect(broken.get(SUPERVISORS)).rejects.toThrow();
      const pull = await source(undefined, { groupIdCache: broken }).pullInScope();
      expect(lookups()).toEqual([`q=${SUPERVISORS} 200`]);
      expect(holding(pull, SUPERVISORS)).toEqual([...summarizeOrg(h.okta.state, { appId: h.okta.appId, supervisorGroup: SUPERVISORS }).supervisorIds].sort());
    } finally {
      down.disconnect();
    }
  });

  it('the composition root gives the Okta source the Redis cache: a second process on the same QUEUE_PREFIX makes no lookup', async () => {
    const logger = winston.createLogger({ silent: true });
    const runOnce = async (): Promise<OktaPull> => {
      const app = buildApp(loadConfig(h.env), logger);
      try {
        return await app.deps.okta.pullInScope();
      } finally {
        await app.close();
      }
    };
    const first = await runOnce();
    expect(lookups()).toEqual([`q=${SUPERVISORS} 200`]);
    h.okta.requests.length = 0;
    const second = await runOnce();
    expect(lookups()).toEqual([]);
    expect(holding(second, SUPERVISORS)).toEqual(holding(first, SUPERVISORS));
    expect(await redis.hexists(`${h.prefix}:okta:group-ids`, SUPERVISORS)).toBe(1);
    logger.close();
  });

  it('the test app builds its Okta source as the composition root does: a second one on the same QUEUE_PREFIX makes no lookup', async () => {
    const env = { QUEUE_PREFIX: `${h.prefix}-test-app` };
    const pullOnce = async (): Promise<OktaPull> => {
      const app = startTestApp(h, { env });
      try {
        return await app.deps.okta.pullInScope();
      } finally {
        await app.close();
      }
    };
    try {
      await pullOnce();
      expect(lookups()).toEqual([`q=${SUPERVISORS} 200`]);
      h.okta.requests.length = 0;
      await pullOnce();
      expect(lookups()).toEqual([]);
    } finally {
      await redis.del(`${env.QUEUE_PREFIX}:okta:group-ids`);
    }
  });
});
