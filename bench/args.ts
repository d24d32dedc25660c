import { parseArgs } from 'node:util';
import { CORE_SCENARIOS, type CoreScenario } from './scenarios-core';

export const SCENARIOS = [...CORE_SCENARIOS, 'throughput', 'overhead', 'read-modes'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const CORE_SIZES = [1_000, 10_000, 100_000] as const;
/** The throughput, overhead and read-mode scenarios run on one tenant of this size unless --users says otherwise. */
export const SPECIAL_SIZE = 10_000;

export type BenchPlan = {
  core: { users: number; scenarios: Set<CoreScenario> }[];
  special: { users: number; throughput: boolean; overhead: boolean; readModes: boolean } | undefined;
  keepLogs: boolean;
  jsonFile: string | undefined;
};

export const USAGE = `npm run bench [-- --users N[,N...]] [--scenario S[,S...]] [--keep-logs] [--json FILE]
  scenarios: ${SCENARIOS.join(', ')} (default: all)
  users: default ${CORE_SIZES.join(', ')} for ${CORE_SCENARIOS.join(', ')}; ${SPECIAL_SIZE} for the others`;

const list = (values: readonly string[] | undefined): string[] => (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');

/** Reads the command line into what to run; throws a message naming the bad option. */
export function parseBenchArgs(argv: readonly string[]): BenchPlan {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      users: { type: 'string', multiple: true },
      scenario: { type: 'string', multiple: true },
      'keep-logs': { type: 'boolean', default: false },
      json: { type: 'string' },
    },
    strict: true,
  });
  const users = list(values.users).map((u) => {
    const n = Number(u.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 10 || n > 200_000) throw new Error(`--users takes whole numbers from 10 to 200000, got '${u}'`);
    return n;
  });
  const names = list(values.scenario);
  for (const s of names) if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`--scenario: unknown '${s}' (one of ${SCENARIOS.join(', ')})`);
  const chosen = new Set<Scenario>(names.length > 0 ? (names as Scenario[]) : SCENARIOS);
  const core = new Set(CORE_SCENARIOS.filter((s) => chosen.has(s)));
  const coreSizes = users.length > 0 ? users : [...CORE_SIZES];
  const specialSize = users.length > 0 ? users : [SPECIAL_SIZE];
  const wantsSpecial = chosen.has('throughput') || chosen.has('overhead') || chosen.has('read-modes');
  if (wantsSpecial && specialSize.length > 1) throw new Error('--users: the throughput, overhead and read-modes scenarios take one tenant size');
  return {
    core: core.size > 0 ? coreSizes.map((n) => ({ users: n, scenarios: core })) : [],
    special: wantsSpecial
      ? { users: specialSize[0] ?? SPECIAL_SIZE, throughput: chosen.has('throughput'), overhead: chosen.has('overhead'), readModes: chosen.has('read-modes') }
      : undefined,
    keepLogs: values['keep-logs'],
    jsonFile: values.json,
  };
}
