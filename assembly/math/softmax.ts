import { sumError } from './sum';
import { vexpNonPositive } from './exp';

// Row maxima and sums of exponentials over rows of f32 or f64 logits, in f64x2 pairs.

/** Values of an exp-sum added plainly before the block joins the total with compensation. */
export const EXP_BLOCK: i32 = 512;

/**
 * max_j z_j, or NaN if any z_j is NaN. wasm's f64x2.max propagates NaN itself, but V8 11.3
 * lowers it to a long sequence (2.4 against 0.4 ns per value for pmax and a separate test).
 */
// @ts-ignore: decorator
@inline
export function rowMax<T>(row: usize, classes: i32): f64 {
  let c = 0;
  let m: f64 = -Infinity;
  let nan = false;
  if (ASC_FEATURE_SIMD) {
    let pair = f64x2.splat(-Infinity);
    let seen = f64x2.splat(0);
    for (; c + 2 <= classes; c += 2) {
      const v = loadPair<T>(row + (<usize>c << alignof<T>()));
      pair = f64x2.pmax(pair, v);
      seen = v128.or(seen, f64x2.ne(v, v));
    }
    nan = v128.any_true(seen);
    const a = f64x2.extract_lane(pair, 0);
    const b = f64x2.extract_lane(pair, 1);
    m = a > b ? a : b;
  }
  for (; c < classes; c++) {
    const v = <f64>load<T>(row + (<usize>c << alignof<T>()));
    nan = nan || v != v;
    if (v > m) m = v;
  }
  return nan ? NaN : m;
}

/**
 * sum over j != skip of e^(z_j - m) (every argument is <= 0, m being the max), in pairs;
 * the lane of z_skip is masked out in its own pair only, not subtracted. Blocks of
 * EXP_BLOCK values are summed plainly and added with Neumaier's compensation, so rows of
 * millions of classes keep full accuracy.
 */
// @ts-ignore: decorator
@inline
export function expSumExcept<T>(row: usize, classes: i32, skip: i32, m: f64): f64 {
  let c = 0;
  let total: f64 = 0;
  let carry: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    const shift = f64x2.splat(m);
    const skipPair = skip & ~1;
    // All ones in the lane of z_skip within its pair.
    const skipLane = i64x2.replace_lane(i64x2.splat(-(<i64>(skip == skipPair))), 1, -(<i64>(skip != skipPair)));
    const pairs = classes & ~1;
    while (c < pairs) {
      const end = min(c + EXP_BLOCK, pairs);
      let sum = f64x2.splat(0);
      for (; c < end; c += 2) {
        let e = vexpNonPositive(f64x2.sub(loadPair<T>(row + (<usize>c << alignof<T>())), shift));
        if (c == skipPair) e = v128.andnot(e, skipLane);
        sum = f64x2.add(sum, e);
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
