// Seeded numbers for the tests' data, the same on every run and in every backend's suite
// (bench/random.mjs and demo/dataset.ts hold the same generator for their own trees).

/** Numbers in [0, 1) from mulberry32, seeded. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
