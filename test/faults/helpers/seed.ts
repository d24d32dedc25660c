import { mulberry32 } from '../../../sandbox/wfm/faults';

/**
 * The seed of a fault test: FAULT_SEED replays one, otherwise each test has its own fixed seed.
 * Tests name their seed in their title, so a failure says how to replay it.
 */
export function faultSeed(fallback: number): number {
  const given = process.env.FAULT_SEED;
  return given !== undefined && /^\d+$/.test(given) ? Number(given) : fallback;
}

export type Rng = { next(): number; int(min: number, max: number): number };

/** A seeded source for the choices a test makes itself (kill points, which users to change). */
export function rng(seed: number): Rng {
  const next = mulberry32(seed);
  return { next, int: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}
