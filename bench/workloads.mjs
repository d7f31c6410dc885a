// The benchmark workloads, generated from a fixed seed so every run (and every contender)
// sees the same numbers: W1-W5 measure the loss, G1-G2 the loss and its gradient, D1-D2 the
// same on channels-first segmentation maps, A1 an accumulator (with and without diagnostics),
// M1 the asymmetric loss (multi-label), P1-P2 what Poly-1 costs over the plain focal loss.

import { makeMapData } from './maps.mjs';
import { random } from './random.mjs';

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
/** Rows as number[] (PACKED_DOUBLE, as Array.from makes them, built 4× faster by push). */
function nestedArrays(flat, n, classes) {
  const rows = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = [];
    for (let c = i * classes; c < (i + 1) * classes; c++) row.push(flat[c]);
    rows[i] = row;
  }
  return rows;
}

// nested: the textbook loop reads number[][] rows (else row views of the flat buffer);
// f32: the workload also runs on a Float32Array copy of its probabilities;
// grad: loss and gradient (contenders write the gradient into a preallocated Float32Array);
// accumulator: an accumulator's update with and without diagnostics (issue 20: at most 1.5× the time);
// map: a segmentation map's dimensions (channels-first; N counts pixels; bench/maps.mjs);
// tour: N for `npm start` (the flat predictions stay far beyond the last-level cache).
export const WORKLOADS = [
  { id: 'W1', title: '1,000,000 × 10 probabilities, γ = 2, per-class α', n: 1_000_000, classes: 10, gamma: 2, alpha: true, fromLogits: false, nested: true, f32: true },
  { id: 'W2', title: '1,000,000 × 10 probabilities, γ = 1.5, per-class α', n: 1_000_000, classes: 10, gamma: 1.5, alpha: true, fromLogits: false, nested: true },
  { id: 'W3', title: '200,000 × 1000 probabilities, γ = 2', n: 200_000, classes: 1000, gamma: 2, alpha: false, fromLogits: false, nested: false },
  { id: 'W4', title: '1,000,000 × 10 Float32Array logits, γ = 2', n: 1_000_000, classes: 10, gamma: 2, alpha: false, fromLogits: true, nested: true },
  { id: 'W5', title: '200 × 50,000 Float32Array logits, γ = 2', n: 200, classes: 50_000, gamma: 2, alpha: false, fromLogits: true, nested: false },
  { id: 'G1', title: '1,000,000 × 10 Float32Array logits, γ = 2, loss + gradient', n: 1_000_000, classes: 10, gamma: 2, alpha: false, fromLogits: true, nested: false, grad: true },
  { id: 'G2', title: '4096 × 1000 Float32Array logits (a classifier head), γ = 2, loss + gradient', n: 4096, classes: 1000, gamma: 2, alpha: false, fromLogits: true, nested: false, grad: true },
  // Segmentation maps, channels-first (bench/maps.mjs): N counts pixels.
  { id: 'D1', title: '4 × 19 × 256 × 256 Float32Array logits, channels-first (NCHW), γ = 2', n: 262_144, classes: 19, gamma: 2, alpha: false, fromLogits: true, nested: false, map: [4, 19, 256, 256] },
  { id: 'D2', title: '4 × 19 × 256 × 256 Float32Array logits, channels-first (NCHW), γ = 2, loss + gradient', n: 262_144, classes: 19, gamma: 2, alpha: false, fromLogits: true, nested: false, map: [4, 19, 256, 256], grad: true },
  { id: 'A1', title: '1,000,000 × 10 Float32Array logits, γ = 2, an accumulator with and without diagnostics', n: 1_000_000, classes: 10, gamma: 2, alpha: false, fromLogits: true, nested: false, accumulator: true },
  {
    id: 'M1', title: '1,000,000 × 80 Float32Array logits (COCO\'s 80 labels), asymmetric loss γ₊ = 0, γ₋ = 4, m = 0.05, loss + gradient',
    n: 1_000_000, classes: 80, fromLogits: true, nested: false, grad: true, asymmetric: { gammaPos: 0, gammaNeg: 4, clip: 0.05 },
  },
  { id: 'P1', title: '1,000,000 × 10 Float32Array logits, γ = 2, Poly-1 ε = 1 and without, loss + gradient', n: 1_000_000, classes: 10, gamma: 2, alpha: false, fromLogits: true, nested: false, grad: true, poly1: 1 },
  { id: 'P2', title: '1,000,000 × 10 probabilities, γ = 2, per-class α, Poly-1 ε = 1 and without', n: 1_000_000, classes: 10, gamma: 2, alpha: true, fromLogits: false, nested: false, poly1: 1 },
];

/** Seeds: W1-W5 keep the seeds of the first suite (same data); G and D workloads get their own. */
const seedOf = (id) => 0x5eed + id.charCodeAt(1) + (id[0] === 'W' ? 0 : 0x100 * id.charCodeAt(0));

/**
 * Materialises a workload: N = w.n / scale (quick mode: scale 100), at least 20 samples, or
 * `n` when given (the tour). Row arrays for the textbook loop are built only when `rows`.
 */
export function makeData(w, { scale = 1, n = Math.max(20, Math.round(w.n / scale)), rows = !w.grad && !w.accumulator } = {}) {
  if (w.map) return makeMapData(w, seedOf(w.id), n);
  const rand = random(seedOf(w.id));
  const yTrue = new Int32Array(n);
  for (let i = 0; i < n; i++) yTrue[i] = Math.floor(rand() * w.classes);
  const flat = w.fromLogits ? logits(n, w.classes, rand) : probabilities(n, w.classes, rand);
  const alpha = w.alpha ? Array.from({ length: w.classes }, (_, c) => 0.25 + (0.5 * c) / w.classes) : undefined;
  // Multi-label targets: about 2.9 of 80 labels per image are positive in COCO.
  const targets = w.asymmetric ? Float32Array.from({ length: n * w.classes }, () => Number(rand() < 0.036)) : null;
  return {
    targets,
    n,
    yTrue,
    flat,
    // The same probabilities rounded to float32 (a different input: it has its own reference).
    flat32: w.f32 ? new Float32Array(flat) : null,
    rows: !rows ? null : w.nested ? nestedArrays(flat, n, w.classes) : rowViews(flat, n, w.classes),
    nestedKind: w.nested ? 'number[][]' : `${flat.constructor.name} rows`,
    alpha,
  };
}
