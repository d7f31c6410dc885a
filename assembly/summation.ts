// Pairwise summation: error grows with log2(n) instead of n, which keeps the mean of
// millions of losses within 1e-12 of the exact sum. The leaves are short enough to stay
// in registers and long enough to amortise the recursion.
const LEAF: i32 = 128;

export function pairwiseSum(ptr: usize, n: i32): f64 {
  if (n <= LEAF) return leafSum(ptr, n);
  const half = (n >> 1) & ~1;
  return pairwiseSum(ptr, half) + pairwiseSum(ptr + (<usize>half << 3), n - half);
}

function leafSum(ptr: usize, n: i32): f64 {
  let i = 0;
  let total: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let a = f64x2.splat(0);
    let b = f64x2.splat(0);
    for (; i + 4 <= n; i += 4) {
      const at = ptr + (<usize>i << 3);
      a = f64x2.add(a, v128.load(at));
      b = f64x2.add(b, v128.load(at, 16));
    }
    a = f64x2.add(a, b);
    total = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  }
  for (; i < n; i++) total += load<f64>(ptr + (<usize>i << 3));
  return total;
}

/** out[i] *= weights[i] for n values; returns the pairwise sum of the weighted values. */
export function applyWeights(out: usize, weights: usize, n: i32): f64 {
  for (let i = 0; i < n; i++) {
    const at = out + (<usize>i << 3);
    const w = load<f64>(weights + (<usize>i << 3));
    // A zero weight drops the value even when it is infinite.
    store<f64>(at, w == 0 ? 0 : load<f64>(at) * w);
  }
  return pairwiseSum(out, n);
}
