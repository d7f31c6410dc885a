// A seeded, imbalanced 2-D dataset for the Train panel: a large majority class around the
// origin and a minority class, 20 times smaller, in two small clusters pressed against it.

/** Points as x, y pairs (row-major, n × 2) with their class labels: 0 majority, 1 minority. */
export interface Dataset {
  points: Float64Array;
  labels: Int32Array;
}

export const MAJORITY = 0;
export const MINORITY = 1;
/** The square the data and the decision-region pictures cover. */
export const EXTENT = { min: -3.2, max: 3.2 };

/** mulberry32: a small seeded generator of uniform numbers in [0, 1). */
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

/** `majority` points of class 0 and majority / ratio of class 1, shuffled. */
export function imbalanced(seed: number, majority = 1000, ratio = 20): Dataset {
  const uniform = random(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const minority = Math.round(majority / ratio);
  const n = majority + minority;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const points = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  order.forEach((slot, k) => {
    const rare = k < minority;
    // The minority sits in two clusters on the majority's edge, so they overlap.
    const [cx, cy, sd] = rare ? (k % 2 ? [1.6, 1.6, 0.3] : [-1.7, 1.4, 0.3]) : [0, -0.5, 0.9];
    points[2 * slot] = cx + sd * normal();
    points[2 * slot + 1] = cy + sd * normal();
    labels[slot] = rare ? MINORITY : MAJORITY;
  });
  return { points, labels };
}
