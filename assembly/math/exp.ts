// e^x on two f64 lanes, table-driven and without a division (the design of musl's and
// glibc's exp, lane-wise).
//
// x = k ln2/128 + r with k = round(x * 128/ln2) and |r| <= ln2/256; with j = k mod 128 and
// E = (k - j) / 128,
//     e^x = 2^E * 2^(j/128) * e^r = 2^E * head_j * (1 + tail_j) * (1 + r + r^2 Q(r)).
// - k comes from adding a shift constant in [2^52, 2^53), so the rounded sum holds k in its
//   low mantissa bits and no float-to-int conversion is needed.
// - ln2/128 = hi + lo with hi of 35 bits, so k * hi and x - k * hi are exact for |x| <= 1000.
// - Entry j of exp-table.ts holds tail_j and bits(head_j) - (j << 45) - (1023 << 52): adding
//   the shifted sum's bits << 45 brings back j and adds (E + bias) << 52, which makes the
//   scale 2^E * head_j with integer adds only.
// - The result is scale + scale * (tail + r + r^2 Q(r)): one rounding of a value near scale,
//   so the error is about 0.5 + 0.01 ulp (polynomial error < 0.001 ulp, see the table file).
// Near the ends of the range 2^E is not a double, so the scale is split in two factors,
// applied one after the other: the last multiply is exact for a normal result, and overflow
// gives +Inf by itself. A subnormal result is rounded to its grid by an add instead (see
// expCore), after y's own rounding: within 0.75 ulp of the subnormal. x is clamped to
// [-1000, 1000] first (e^-1000 rounds to 0, e^1000 overflows), which also maps -Inf to 0 and
// +Inf to +Inf; NaN passes the clamps and the arithmetic unchanged.
//
// Constants are v128 loads from data tables: V8 11.3 rebuilds a v128 literal from immediates
// on every use.
import { EXP_CONSTANTS, EXP_TABLE } from './exp-table';

// @ts-ignore: decorator
@inline const INV_LN2_N = 0;
// @ts-ignore: decorator
@inline const LN2_N_HI = 1;
// @ts-ignore: decorator
@inline const LN2_N_LO = 2;
// @ts-ignore: decorator
@inline const Q0 = 3;

// @ts-ignore: decorator
@inline const SPLIT_SHIFT = 0;
// @ts-ignore: decorator
@inline const BIASED_SHIFT = 1;
// @ts-ignore: decorator
@inline const ENTRY_BYTES = 2;
// @ts-ignore: decorator
@inline const LOWEST = 3;
// @ts-ignore: decorator
@inline const HIGHEST = 4;
// @ts-ignore: decorator
@inline const TWO_TO_MINUS_512 = 5;
// @ts-ignore: decorator
@inline const LN_SMALLEST_NORMAL = 6;
// @ts-ignore: decorator
@inline const EXPONENT_1074 = 7;
// @ts-ignore: decorator
@inline const TWO_TO_52 = 8;

// Each value twice, one per lane. @lazy: the data is emitted only into builds that use it
// (not the scalar kernel). A lazy global's name must be unique across files: AS 0.28.20
// silently gave vexp log.ts's table when both were called K.
// @ts-ignore: decorator
@lazy const EXP_K = memory.data<u64>([
  // 1.5 * 2^52 + 1023 * 256: the sum's low word is k + 1023 * 256, so shifting it right by 8
  // gives floor(k / 256) + 1023, the biased exponent of the second factor of the split scale,
  // and the first factor gets exponent E - floor(E / 2): both normal for |x| <= 1000.
  0x433800000003FF00, 0x433800000003FF00,
  // 1.5 * 2^52 + 1535 * 128: the scale is built as 2^(E + 512) * head_j, normal for
  // -1000 <= x <= 354, and the result is multiplied by 2^-512 at the end.
  0x433800000002FF80, 0x433800000002FF80,
  0x00000000000007F0, 0x00000000000007F0, // j * 16 after a shift by 4
  0xC08F400000000000, 0xC08F400000000000, // -1000
  0x408F400000000000, 0x408F400000000000, // 1000
  0x1FF0000000000000, 0x1FF0000000000000, // 2^-512
  // ln 2^-1022 rounded up: below it every result is below 2^-1022 by a relative 5e-14 or more,
  // far more than y's error, so m <= 2^52 (m = 2^52 is 2^-1022, the right rounding).
  0xC086232BDD7ABCD2, 0xC086232BDD7ABCD2,
  0x4320000000000000, 0x4320000000000000, // 1074 << 52: multiplies the last factor by 2^1074
  0x4330000000000000, 0x4330000000000000, // 2^52
], 16);

// @ts-ignore: decorator
@inline
function k(index: i32): v128 {
  return v128.load(EXP_K + (<usize>index << 4));
}

// @ts-ignore: decorator
@inline
function q(index: i32): v128 {
  return v128.load(EXP_CONSTANTS + (<usize>index << 4));
}

/** e^x for x already clamped; split: a two-factor scale (any x) or 2^(E + 512) * 2^-512. */
// @ts-ignore: decorator
@inline
function expCore(x: v128, split: bool): v128 {
  const shift = k(split ? SPLIT_SHIFT : BIASED_SHIFT);
  const shifted = f64x2.add(f64x2.mul(x, q(INV_LN2_N)), shift);
  const kd = f64x2.sub(shifted, shift);
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(kd, q(LN2_N_HI))), f64x2.mul(kd, q(LN2_N_LO)));

  const entry = v128.and(i64x2.shl(shifted, 4), k(ENTRY_BYTES));
  const e0 = v128.load(EXP_TABLE + <usize>i32x4.extract_lane(entry, 0));
  const e1 = v128.load(EXP_TABLE + <usize>i32x4.extract_lane(entry, 2));
  const tail = i64x2.shuffle(e0, e1, 0, 2);
  let scale = i64x2.add(i64x2.shuffle(e0, e1, 1, 3), i64x2.shl(shifted, 45));
  let last = k(TWO_TO_MINUS_512);
  if (split) {
    // The low word is non-negative for |x| <= 1000, and i64x2.shl keeps only its low 12 bits.
    last = i64x2.shl(i32x4.shr_s(shifted, 8), 52);
    scale = i64x2.sub(scale, last);
  }

  const r2 = f64x2.mul(r, r);
  const q01 = f64x2.add(q(Q0), f64x2.mul(r, q(Q0 + 1)));
  const q23 = f64x2.add(q(Q0 + 2), f64x2.mul(r, q(Q0 + 3)));
  const t = f64x2.add(f64x2.add(f64x2.add(tail, r), f64x2.mul(r2, q01)), f64x2.mul(f64x2.mul(r2, r2), q23));
  const y = f64x2.add(scale, f64x2.mul(scale, t));

  // A subnormal (or zero) result is not made by multiplying into the subnormal range: x64
  // CPUs take a microcode assist on every SIMD op whose result underflows (about 13 ns per
  // pair on this AMD EPYC, which made exp 4x slower for x < -708). Instead the last factor
  // takes y to units of 2^-1074 (a normal number below 2^52), and adding 2^52 rounds it to
  // an integer m in the low mantissa bits; m is also the bit pattern of m * 2^-1074.
  const tiny = f64x2.lt(x, k(LN_SMALLEST_NORMAL));
  const z = f64x2.mul(y, i64x2.add(last, v128.and(tiny, k(EXPONENT_1074))));
  const magic = v128.and(tiny, k(TWO_TO_52));
  return i64x2.sub(f64x2.add(z, magic), magic);
}

/**
 * e^x for every x: 0 for x below about -745.13 (and -Inf), subnormal results within 0.75 ulp
 * (of 2^-1074), +Inf above about 709.78 (and +Inf), NaN for NaN.
 */
// @ts-ignore: decorator
@inline
export function vexp(x: v128): v128 {
  return expCore(f64x2.pmin(f64x2.pmax(x, k(LOWEST)), k(HIGHEST)), true);
}

/**
 * vexp for x <= 0 (right up to x = 354, garbage above), about 0.3 ns/value cheaper: a fixed
 * bias instead of the split scale, and no upper clamp.
 */
// @ts-ignore: decorator
@inline
export function vexpNonPositive(x: v128): v128 {
  return expCore(f64x2.pmax(x, k(LOWEST)), false);
}
