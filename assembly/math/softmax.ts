import { sumError } from './sum';
import { vexp } from './vector-math';

// Row maxima and sums of exponentials over rows of f32 or f64 logits, in f64x2 pairs.

const EXP_BLOCK: i32 = 512;

/** max_j z_j; NaN if any z_j is NaN (wasm's max propagates it). */
// @ts-ignore: decorator
@inline
export function rowMax<T>(row: usize, classes: i32): f64 {
  let c = 0;
  let m: f64 = -Infinity;
  if (ASC_FEATURE_SIMD) {
    let pair = f64x2.splat(-Infinity);
    for (; c + 2 <= classes; c += 2) pair = f64x2.max(pair, loadPair<T>(row + (<usize>c << alignof<T>())));
    m = max(f64x2.extract_lane(pair, 0), f64x2.extract_lane(pair, 1));
  }
  for (; c < classes; c++) m = max(m, <f64>load<T>(row + (<usize>c << alignof<T>())));
  return m;
}

/**
 * sum over j != skip of e^(z_j - m), in pairs; the lane of z_skip is masked out, not
 * subtracted. Blocks of EXP_BLOCK values are summed plainly and added with Neumaier's
 * compensation, so rows of millions of classes keep full accuracy.
 */
// @ts-ignore: decorator
@inline
export function expSumExcept<T>(row: usize, classes: i32, skip: i32, m: f64): f64 {
  let c = 0;
  let total: f64 = 0;
  let carry: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    const shift = f64x2.splat(m);
    const target = i64x2.splat(skip);
    const two = i64x2.splat(2);
    let index = i64x2.replace_lane(i64x2.splat(0), 1, 1);
    const pairs = classes & ~1;
    while (c < pairs) {
      const end = min(c + EXP_BLOCK, pairs);
      let sum = f64x2.splat(0);
      for (; c < end; c += 2) {
        const e = vexp(f64x2.sub(loadPair<T>(row + (<usize>c << alignof<T>())), shift));
        sum = f64x2.add(sum, v128.andnot(e, i64x2.eq(index, target)));
        index = i64x2.add(index, two);
      }
      const block = f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
      const t = total + block;
      carry += sumError(total, block, t);
      total = t;
    }
  }
  while (c < classes) {
    const end = min(c + EXP_BLOCK, classes);
    let block: f64 = 0;
    for (; c < end; c++) {
      if (c != skip) block += Math.exp(<f64>load<T>(row + (<usize>c << alignof<T>())) - m);
    }
    const t = total + block;
    carry += sumError(total, block, t);
    total = t;
  }
  return total + carry;
}

// @ts-ignore: decorator
@inline
export function loadPair<T>(at: usize): v128 {
  if (sizeof<T>() == 4) return f64x2.promote_low_f32x4(v128.load64_zero(at));
  return v128.load(at);
}
