import {
  AGENT_TITLES, CITIES, CONTACT_CENTER_DEPARTMENTS, FIRST_NAMES, LAST_NAMES, OTHER_DEPARTMENTS, OTHER_TITLES,
  SUPERVISOR_TITLES, TIMEZONES, loginPart,
} from './generator-data';
import { mulberry32, oktaId, pick, pickIndex, shuffle, type Random } from './random';
import type { OktaState } from './state';
import type { GroupRecord, Profile, UserStatus } from './types';

export { summarizeOrg, inScopeUsers, type OrgSummary, type InScopeUser } from './oracle';

export type GenerateOrgOptions = { users: number; seed: number; appId: string; supervisorGroup: string; agentGroup?: string };

export type GeneratedOrg = {
  appId: string;
  groups: { everyone: string; agents: string; supervisors: string; engineering: string };
  /** The generated users' ids, in creation order. */
  userIds: string[];
};

type Role = 'direct' | 'directAndGroup' | 'group' | 'supervisor' | 'unassigned';

/** Seeded history starts here, so generated timestamps are identical on every run and older than any live change. */
const BASE_TIME = Date.UTC(2024, 0, 2, 3, 4, 5);

const repeat = <T>(value: T, count: number): T[] => Array.from({ length: Math.max(0, count) }, () => value);

function planRoles(rand: Random, n: number): Role[] {
  const supervisors = Math.round(n * 0.08);
  const unassigned = Math.round(n * 0.08);
  const rest = n - supervisors - unassigned;
  const direct = Math.ceil(rest / 2);
  const both = Math.floor(direct / 10);
  return shuffle(rand, [
    ...repeat<Role>('supervisor', supervisors),
    ...repeat<Role>('unassigned', unassigned),
    ...repeat<Role>('directAndGroup', both),
    ...repeat<Role>('direct', direct - both),
    ...repeat<Role>('group', rest - direct),
  ]);
}

function planStatuses(rand: Random, roles: Role[]): UserStatus[] {
  const statuses = repeat<UserStatus>('ACTIVE', roles.length);
  const assigned = shuffle(rand, roles.flatMap((role, i) => (role === 'unassigned' ? [] : [i])));
  const a = assigned.length;
  const count = (share: number): number => Math.max(a >= 40 ? 1 : 0, Math.round(a * share));
  const specials: Array<[UserStatus, number]> = [
    ['SUSPENDED', count(0.03)], ['DEPROVISIONED', count(0.03)], ['PROVISIONED', count(0.02)],
    ['PASSWORD_EXPIRED', count(0.01)], ['LOCKED_OUT', count(0.01)], ['RECOVERY', count(0.01)], ['STAGED', a >= 20 ? 2 : 0],
  ];
  let next = 0;
  for (const [status, n] of specials) {
    for (let k = 0; k < n && next < a; k++) statuses[assigned[next++] ?? 0] = status;
  }
  const outside = shuffle(rand, roles.flatMap((role, i) => (role === 'unassigned' ? [i] : [])));
  for (const i of outside.slice(0, Math.round(outside.length * 0.1))) statuses[i] = 'DEPROVISIONED';
  return statuses;
}

function ensureGroup(state: OktaState, rand: Random, name: string, description: string, builtIn = false): GroupRecord {
  return state.groupByName(name)
    ?? state.createGroup(name, description, { id: oktaId('00g', rand), type: builtIn ? 'BUILT_IN' : 'OKTA_GROUP' });
}

function uniqueLogin(state: OktaState, first: string, last: string): string {
  const base = `${loginPart(first)}.${loginPart(last)}`;
  for (let n = 1; ; n++) {
    const login = `${base}${n === 1 ? '' : n}@example.com`;
    if (!state.findUserByLogin(login)) return login;
  }
}

function makeProfile(state: OktaState, rand: Random, role: Role, employeeIndex: number): Profile {
  const firstName = pick(rand, FIRST_NAMES);
  const lastName = pick(rand, LAST_NAMES);
  const login = uniqueLogin(state, firstName, lastName);
  const inCenter = role !== 'unassigned';
  const profile: Profile = {
    firstName,
    lastName,
    displayName: `${firstName} ${lastName}`,
    login,
    email: login,
    employeeNumber: String(100001 + employeeIndex),
    department: inCenter ? pick(rand, CONTACT_CENTER_DEPARTMENTS) : pick(rand, OTHER_DEPARTMENTS),
    userType: rand() < 0.85 ? 'Employee' : 'Contractor',
    locale: 'en_US',
    secondEmail: null,
    mobilePhone: null,
  };
  if (rand() < 0.8) profile.title = role === 'supervisor' ? pick(rand, SUPERVISOR_TITLES) : inCenter ? pick(rand, AGENT_TITLES) : pick(rand, OTHER_TITLES);
  if (rand() < 0.65) profile.mobilePhone = `+1 555 ${String(100 + pickIndex(rand, 900))} ${String(1000 + pickIndex(rand, 9000))}`;
  if (rand() < 0.75) profile.timezone = pick(rand, TIMEZONES);
  if (rand() < 0.5) profile.city = pick(rand, CITIES);
  return profile;
}

/**
 * Fills the state with a deterministic contact-center org: the same users + seed give the same
 * ids, logins, profiles and timestamps on every run (for a state that starts empty).
 */
export function generateOrg(state: OktaState, opts: GenerateOrgOptions): GeneratedOrg {
  const rand = mulberry32(opts.seed);
  let clock = BASE_TIME;
  const tick = (): void => {
    clock += 1000 * (1 + pickIndex(rand, 20));
  };
  state.setClock(() => clock);
  state.setRandom(mulberry32(opts.seed ^ 0x5bd1e995));
  try {
    if (!state.getApp(opts.appId)) state.createApp({ id: opts.appId, label: 'WFM Connector', name: 'wfm_connector' });
    const everyone = ensureGroup(state, rand, 'Everyone', 'All users in your organization', true);
    tick();
    const agents = ensureGroup(state, rand, opts.agentGroup ?? 'WFM Agents', 'Contact-center agents scheduled in WFM');
    tick();
    const supervisors = ensureGroup(state, rand, opts.supervisorGroup, 'Contact-center supervisors in WFM');
    tick();
    const engineering = ensureGroup(state, rand, 'Engineering', 'Product engineering');
    tick();
    state.assignGroupToApp(opts.appId, agents.id);
    state.assignGroupToApp(opts.appId, supervisors.id);
    tick();

    const roles = planRoles(rand, opts.users);
    const statuses = planStatuses(rand, roles);
    const offset = state.users().length;
    const userIds: string[] = [];
    roles.forEach((role, i) => {
      const target = statuses[i] ?? 'ACTIVE';
      const createAs: UserStatus = target === 'STAGED' || target === 'PROVISIONED' ? target : 'ACTIVE';
      const profile = makeProfile(state, rand, role, offset + i);
      const user = state.createUser({ id: oktaId('00u', rand), profile, status: createAs });
      userIds.push(user.id);
      tick();
      if (role === 'group' || role === 'directAndGroup') state.addToGroup(agents.id, user.id);
      if (role === 'supervisor') {
        state.addToGroup(supervisors.id, user.id);
        if (rand() < 0.25) state.addToGroup(agents.id, user.id);
      }
      if (role === 'unassigned' && profile.department === 'Engineering') state.addToGroup(engineering.id, user.id);
      if (role === 'direct' || role === 'directAndGroup') state.assignUserToApp(opts.appId, user.id);
      tick();
      if (target !== createAs) {
        state.setStatus(user.id, target);
        tick();
      }
    });
    return {
      appId: opts.appId,
      groups: { everyone: everyone.id, agents: agents.id, supervisors: supervisors.id, engineering: engineering.id },
      userIds,
    };
  } finally {
    state.setClock(null);
    state.setRandom(null);
  }
}
