// The benchmark workloads W1-W5, generated from a fixed seed so every run (and every
// contender) sees the same numbers.

/** mulberry32: a small seeded PRNG, so runs are reproducible without a dependency. */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function probabilities(n, classes, rand) {
  const flat = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let c = 0; c < classes; c++) total += flat[i * classes + c] = rand() ** 2 + 1e-3;
    for (let c = 0; c < classes; c++) flat[i * classes + c] /= total;
  }
  return flat;
}

function logits(n, classes, rand) {
  const flat = new Float32Array(n * classes);
  for (let k = 0; k < flat.length; k++) flat[k] = (rand() - 0.5) * 16;
  return flat;
}

/** Rows as views into the flat buffer: the nested layout without a second copy. */
const rowViews = (flat, n, classes) => Array.from({ length: n }, (_, i) => flat.subarray(i * classes, (i + 1) * classes));
const nestedArrays = (flat, n, classes) => Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * classes, (i + 1) * classes)));

export const WORKLOADS = [
  { id: 'W1', title: '1,000,000 × 10 probabilities, γ = 2, per-class α', n: 1_000_000, classes: 10, gamma: 2, alpha: true, fromLogits: false, nested: true },
  { id: 'W2', title: '1,000,000 × 10 probabilities, γ = 1.5, per-class α', n: 1_000_000, classes: 10, gamma: 1.5, alpha: true, fromLogits: false, nested: true },
  { id: 'W3', title: '200,000 × 1000 probabilities, γ = 2', n: 200_000, classes: 1000, gamma: 2, alpha: false, fromLogits: false, nested: false },
  { id: 'W4', title: '1,000,000 × 10 Float32Array logits, γ = 2', n: 1_000_000, classes: 10, gamma: 2, alpha: false, fromLogits: true, nested: true },
  { id: 'W5', title: '200 × 50,000 Float32Array logits, γ = 2', n: 200, classes: 50_000, gamma: 2, alpha: false, fromLogits: true, nested: false },
];

/** Materialises a workload (scaled down by `scale` in quick mode, at least 20 samples). */
export function makeData(w, scale = 1) {
  const n = Math.max(20, Math.round(w.n / scale));
  const rand = random(0x5eed + w.id.charCodeAt(1));
  const yTrue = new Int32Array(n);
  for (let i = 0; i < n; i++) yTrue[i] = Math.floor(rand() * w.classes);
  const flat = w.fromLogits ? logits(n, w.classes, rand) : probabilities(n, w.classes, rand);
  const alpha = w.alpha ? Array.from({ length: w.classes }, (_, c) => 0.25 + (0.5 * c) / w.classes) : undefined;
  return {
    n,
    yTrue,
    flat,
    rows: w.nested ? nestedArrays(flat, n, w.classes) : rowViews(flat, n, w.classes),
    nestedKind: w.nested ? 'number[][]' : `${flat.constructor.name} rows`,
    alpha,
  };
}
