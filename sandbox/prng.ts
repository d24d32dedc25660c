/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: tiny, fast and deterministic, shared by both sandboxes so a seed replays the same
 * data and the same faults; good enough for test data, never for secrets.
 */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
