import { randomInt } from 'node:crypto';
import { mulberry32, type Random } from '../prng';

export { mulberry32, type Random };

export const cryptoRandom: Random = () => randomInt(0, 2 ** 47) / 2 ** 47;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function pickIndex(rand: Random, length: number): number {
  return Math.min(length - 1, Math.floor(rand() * length));
}

export function pick<T>(rand: Random, items: readonly T[]): T {
  const item = items[pickIndex(rand, items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

export function base62(rand: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62.charAt(pickIndex(rand, BASE62.length));
  return out;
}

/** Okta ids are 20 characters: a 3-character type prefix ('00u' users, '00g' groups, '0oa' apps) and 17 base62. */
export function oktaId(prefix: string, rand: Random): string {
  return prefix + base62(rand, 20 - prefix.length);
}

/** Fisher-Yates, in place, with the given source. */
export function shuffle<T>(rand: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = pickIndex(rand, i + 1);
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
  return items;
}

export function uuidFrom(rand: Random): string {
  const hex = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += pickIndex(rand, 16).toString(16);
    return s;
  };
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + pickIndex(rand, 4)).toString(16)}${hex(3)}-${hex(12)}`;
}
