import { mulberry32 } from '@beatframe/core';
/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG. Same seed, same song, on every machine. */
export function createRng(seed: number): () => number {
  return mulberry32(seed);
}

/** FNV-1a: derives independent seeds from names (a section group, an instrument) so material is keyed by name. */
export function hashString(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length) % items.length]!;
}
