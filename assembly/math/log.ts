// Natural log on two f64 lanes, table-driven and without a division.
//
// x = 2^k z with z in [0.6855, 1.371), taken from the bit pattern with integer ops. The top 7
// mantissa bits of z pick an interval centred on c (c has 7 mantissa bits; c = 1 exactly on the
// interval around 1, so ln x near 1 keeps full relative accuracy), and
//     ln x = k ln2 + ln c + log1p(r),  r = (z - c) / c,  |r| <= 0.0039.
// Why each step is exact (so that the one real rounding is the final add):
// - d = z - c is exact (Sterbenz) and has at most 45 significant bits.
// - 1/c = ih + il with ih of 8 bits (log-table.ts), so rh = d * ih is exact; r = rh + d * il.
// - ln2 = LN2_HI + LN2_LO with LN2_HI of 32 bits and ln c = lch + lcl with lch a multiple of
//   2^-43, so w = k * LN2_HI + lch is exact for |k| <= 1075; hi + lo = w + rh is an exact
//   two-sum (|w| >= |rh| whenever w != 0), and everything else is a small correction.
// With a degree-5 polynomial (relative error < 0.001 ulp) the result is within about
// 0.5 + 0.01 ulp; `npm run bench:accuracy` measured at most 0.5005 ulp.
//
// V8 11.3 rebuilds a v128 literal from immediates on every use, so the constants are v128
// loads from data tables instead. Each lane's table entry is found with a scalar
// extract_lane and two v128 loads, and i64x2.shuffle(a, b, 0, 2) / (1, 3) (one
// punpck{l,h}qdq each) regroups the two entries into per-field vectors.
import { LOG_CONSTANTS, LOG_TABLE } from './log-table';

// @ts-ignore: decorator
@inline const LN2_HI = 0;
// @ts-ignore: decorator
@inline const LN2_LO = 1;
// @ts-ignore: decorator
@inline const P0 = 2;

// @ts-ignore: decorator
@inline const OFFSET = 0;
// @ts-ignore: decorator
@inline const MANTISSA = 1;
// @ts-ignore: decorator
@inline const CENTRE_BITS = 2;
// @ts-ignore: decorator
@inline const CENTRE_BASE = 3;
// @ts-ignore: decorator
@inline const ENTRY_BYTES = 4;
// @ts-ignore: decorator
@inline const SMALLEST_NORMAL = 5;
// @ts-ignore: decorator
@inline const TWO_TO_52 = 6;
// @ts-ignore: decorator
@inline const EXPONENT_52 = 7;
// @ts-ignore: decorator
@inline const MAX_FINITE = 8;
// @ts-ignore: decorator
@inline const MINUS_INF = 9;

// Each value twice, one per lane. @lazy: the data is emitted only into builds that use it
// (not the scalar kernel). A lazy global's name must be unique across files: AS 0.28.20
// silently gave vexp log.ts's table when both were called K.
// @ts-ignore: decorator
@lazy const LOG_K = memory.data<u64>([
  0x3FE5F00000000000, 0x3FE5F00000000000, // bits of the first interval's lower end, c_0 - 2^44
  0x000FFFFFFFFFFFFF, 0x000FFFFFFFFFFFFF, // mantissa field
  0x000FE00000000000, 0x000FE00000000000, // the 7 index bits of the mantissa
  0x3FE6000000000000, 0x3FE6000000000000, // c_0 = 0.6875
  0x0000000000000FE0, 0x0000000000000FE0, // index * 32 after a shift by 40
  0x0010000000000000, 0x0010000000000000, // smallest normal, 2^-1022
  0x4330000000000000, 0x4330000000000000, // 2^52
  0x0340000000000000, 0x0340000000000000, // 52 << 52: 52 more binades below the scaled x
  0x7FEFFFFFFFFFFFFF, 0x7FEFFFFFFFFFFFFF, // largest finite double
  0xFFF0000000000000, 0xFFF0000000000000, // -Infinity
], 16);

// @ts-ignore: decorator
@inline
function k(index: i32): v128 {
  return v128.load(LOG_K + (<usize>index << 4));
}

// @ts-ignore: decorator
@inline
function p(index: i32): v128 {
  return v128.load(LOG_CONSTANTS + (<usize>index << 4));
}

/**
 * ln(x * 2^-s) for x a positive normal double, where offset holds the bits of
 * (c_0 - 2^44) + (s << 52): folding the extra binades of a pre-scaled x into the exponent
 * subtraction costs nothing here, so vlogNormal pays nothing for vlog's subnormal path.
 */
// @ts-ignore: decorator
@inline
function logCore(x: v128, offset: v128): v128 {
  // t's exponent field is k (two's complement), its mantissa field that of z relative to c_0.
  const t = i64x2.sub(x, offset);
  const z = i64x2.add(v128.and(t, k(MANTISSA)), k(OFFSET));
  const c = i64x2.add(v128.and(t, k(CENTRE_BITS)), k(CENTRE_BASE));
  // k sits in the top 12 bits of each lane's high word: an i32 shift, one pshufd and
  // cvtdq2pd, where i64x2.shr_s would be a multi-instruction emulation on x64.
  const kWords = i32x4.shr_s(t, 20);
  const kd = f64x2.convert_low_i32x4_s(i32x4.shuffle(kWords, kWords, 1, 3, 1, 3));

  const entry = v128.and(i64x2.shr_u(t, 40), k(ENTRY_BYTES));
  const e0 = LOG_TABLE + <usize>i32x4.extract_lane(entry, 0);
  const e1 = LOG_TABLE + <usize>i32x4.extract_lane(entry, 2);
  const a0 = v128.load(e0), b0 = v128.load(e0, 16);
  const a1 = v128.load(e1), b1 = v128.load(e1, 16);
  const ih = i64x2.shuffle(a0, a1, 0, 2);
  const il = i64x2.shuffle(a0, a1, 1, 3);
  const lch = i64x2.shuffle(b0, b1, 0, 2);
  const lcl = i64x2.shuffle(b0, b1, 1, 3);

  const d = f64x2.sub(z, c);
  const rh = f64x2.mul(d, ih);
  const rl = f64x2.mul(d, il);
  const r = f64x2.add(rh, rl);
  const w = f64x2.add(f64x2.mul(kd, p(LN2_HI)), lch);
  const hi = f64x2.add(w, rh);
  const lo = f64x2.add(f64x2.sub(w, hi), rh);
  const small = f64x2.add(f64x2.add(lo, rl), f64x2.add(f64x2.mul(kd, p(LN2_LO)), lcl));

  // Estrin's scheme: the same operation count as Horner's with half the dependency chain.
  const r2 = f64x2.mul(r, r);
  const q01 = f64x2.add(p(P0), f64x2.mul(r, p(P0 + 1)));
  const q23 = f64x2.add(p(P0 + 2), f64x2.mul(r, p(P0 + 3)));
  const q45 = f64x2.add(p(P0 + 4), f64x2.mul(r, p(P0 + 5)));
  const poly = f64x2.add(q01, f64x2.mul(r2, f64x2.add(q23, f64x2.mul(r2, q45))));
  return f64x2.add(hi, f64x2.add(small, f64x2.mul(r2, poly)));
}

/**
 * ln x for positive, finite, normal x (2^-1022 <= x < +Inf), such as a probability clipped to
 * [eps, 1 - eps] with eps >= 2^-1022. Other inputs give finite garbage.
 */
// @ts-ignore: decorator
@inline
export function vlogNormal(x: v128): v128 {
  return logCore(x, k(OFFSET));
}

/**
 * ln x for x in [0, +Inf]: subnormals are scaled by 2^52 first, ln(+-0) = -Inf,
 * ln(+Inf) = +Inf, NaN gives NaN (and x < 0, outside the domain, gives -Inf).
 */
// @ts-ignore: decorator
@inline
export function vlog(x: v128): v128 {
  const zero = f64x2.splat(0); // a register xor, no load
  const tiny = f64x2.lt(x, k(SMALLEST_NORMAL));
  // 0 for finite x > 0, else the answer itself: pmax(a, b) = a < b ? b : a gives +Inf or NaN
  // for x = +Inf or NaN, and x <= 0 ors in the bits of -Inf. logCore returns a finite value
  // for every finite or infinite x, so adding this at the end needs no select, and computed
  // up front it stays off the critical path (0.1 ns/value faster than fixing up afterwards).
  const special = v128.or(f64x2.pmax(f64x2.sub(x, k(MAX_FINITE)), zero), v128.and(f64x2.le(x, zero), k(MINUS_INF)));
  // A select (rather than multiplying by 1 or 2^52) runs the multiply beside the compare.
  const scaled = v128.bitselect(f64x2.mul(x, k(TWO_TO_52)), x, tiny);
  return f64x2.add(logCore(scaled, i64x2.add(k(OFFSET), v128.and(tiny, k(EXPONENT_52)))), special);
}
