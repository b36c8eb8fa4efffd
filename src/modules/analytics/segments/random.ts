/**
 * A seeded pseudo-random generator (mulberry32): the library never calls Math.random, so a fit is
 * reproducible from its seed alone. 32-bit state is plenty for picking k-means++ starting rows.
 * @param seed - any safe integer; seeds equal modulo 2^32 give the same sequence
 * @returns a function returning uniform numbers in [0, 1)
 */
export function seededRandom(seed: number): () => number {
  if (!Number.isSafeInteger(seed)) {
    throw new TypeError(`seed must be a safe integer, got ${seed}`);
  }
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
