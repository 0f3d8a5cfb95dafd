/**
 * A small seeded PRNG (mulberry32): uniform floats in [0, 1). The bootstrap draws from it so that
 * a forecast is a pure function of its input and seed — the same call gives the same interval on
 * every machine, which makes alerts reproducible and tests exact. Not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
