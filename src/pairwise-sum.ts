// Pairwise summation (error ~ log2(n) ulp instead of n ulp), the same tree as the wasm kernel.
const LEAF = 128;

export function pairwiseSum(values: Float64Array, from: number, n: number): number {
  if (n <= LEAF) {
    let total = 0;
    for (let i = from, end = from + n; i < end; i++) total += values[i];
    return total;
  }
  const half = (n >> 1) & ~1;
  return pairwiseSum(values, from, half) + pairwiseSum(values, from + half, n - half);
}
