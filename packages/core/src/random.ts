/**
 * mulberry32: a tiny, fast, well-distributed 32-bit PRNG. The same seed gives the same numbers on every
 * machine, which is what makes songs, scenes, pacing and shuffles repeatable.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
