// f64x2 natural log and exp. Wasm has no vector transcendental functions, so these follow
// fdlibm's e_log.c and e_exp.c lane-wise (both < 1 ulp there), with the exponent split
// done on the bit patterns so that no lane needs an integer conversion instruction.
//
// The constants are loaded from a table instead of written as v128 literals: V8 rebuilds a
// v128 literal from two immediates on every use (3 instructions each, about 60 per call),
// while a load from the table is one instruction that often folds into the arithmetic.

// @ts-ignore: decorator
@inline const LN2_HI = 0;
// @ts-ignore: decorator
@inline const LN2_LO = 1;
// @ts-ignore: decorator
@inline const INV_LN2 = 2;
// @ts-ignore: decorator
@inline const TWO54 = 3;
// @ts-ignore: decorator
@inline const SMALLEST_NORMAL = 4;
// @ts-ignore: decorator
@inline const MINUS_54 = 5;
// @ts-ignore: decorator
@inline const K_OFFSET = 6;
// @ts-ignore: decorator
@inline const ONE = 7;
// @ts-ignore: decorator
@inline const TWO = 8;
// @ts-ignore: decorator
@inline const HALF = 9;
// @ts-ignore: decorator
@inline const MINUS_INF = 10;
// @ts-ignore: decorator
@inline const EXP_FLOOR = 11;
// @ts-ignore: decorator
@inline const ROUND_MAGIC = 12;
// @ts-ignore: decorator
@inline const LG1 = 13;
// @ts-ignore: decorator
@inline const P1 = 20;
// @ts-ignore: decorator
@inline const MANTISSA_SHIFT = 25;
// @ts-ignore: decorator
@inline const MANTISSA_MASK = 26;
// @ts-ignore: decorator
@inline const MANTISSA_BASE = 27;
// @ts-ignore: decorator
@inline const EXPONENT_BITS = 28;
// @ts-ignore: decorator
@inline const BIAS = 29;

// Each entry twice, one per lane; integer entries are stored as their bit patterns.
const K = memory.data<u64>([
  0x3FE62E42FEE00000, 0x3FE62E42FEE00000, // ln 2, high part (fdlibm ln2_hi)
  0x3DEA39EF35793C76, 0x3DEA39EF35793C76, // ln 2, low part (fdlibm ln2_lo)
  0x3FF71547652B82FE, 0x3FF71547652B82FE, // 1 / ln 2
  0x4350000000000000, 0x4350000000000000, // 2^54, to lift subnormals
  0x0010000000000000, 0x0010000000000000, // smallest normal
  0xC04B000000000000, 0xC04B000000000000, // -54
  0x43300000000003FF, 0x43300000000003FF, // 2^52 + 1023, unbiases the exponent
  0x3FF0000000000000, 0x3FF0000000000000, // 1
  0x4000000000000000, 0x4000000000000000, // 2
  0x3FE0000000000000, 0x3FE0000000000000, // 0.5
  0xFFF0000000000000, 0xFFF0000000000000, // -Infinity
  0xC090E00000000000, 0xC090E00000000000, // -1080: below it every exp is 0
  0x4338000000000000, 0x4338000000000000, // 1.5 * 2^52, rounds to an integer
  0x3FE5555555555593, 0x3FE5555555555593, // Lg1 .. Lg7 of e_log.c
  0x3FD999999997FA04, 0x3FD999999997FA04,
  0x3FD2492494229359, 0x3FD2492494229359,
  0x3FCC71C51D8E78AF, 0x3FCC71C51D8E78AF,
  0x3FC7466496CB03DE, 0x3FC7466496CB03DE,
  0x3FC39A09D078C69F, 0x3FC39A09D078C69F,
  0x3FC2F112DF3E5244, 0x3FC2F112DF3E5244,
  0x3FC555555555553E, 0x3FC555555555553E, // P1 .. P5 of e_exp.c
  0xBF66C16C16BEBD93, 0xBF66C16C16BEBD93,
  0x3F11566AAF25DE2C, 0x3F11566AAF25DE2C,
  0xBEBBBD41C5D26BF1, 0xBEBBBD41C5D26BF1,
  0x3E66376972BEA4D0, 0x3E66376972BEA4D0,
  0x00095F6200000000, 0x00095F6200000000, // moves the mantissa into [sqrt(2)/2, sqrt(2))
  0x000FFFFFFFFFFFFF, 0x000FFFFFFFFFFFFF,
  0x3FE6A09E00000000, 0x3FE6A09E00000000,
  0x4330000000000000, 0x4330000000000000, // 2^52: exponent field as a double
  0x00000000000003FF, 0x00000000000003FF, // 1023
], 16);

// @ts-ignore: decorator
@inline
function k(index: i32): v128 {
  return v128.load(K + (<usize>index << 4));
}

/** ln(x) for x in [0, +Inf): subnormals are rescaled first, ln(0) = -Inf. */
// @ts-ignore: decorator
@inline
export function vlog(x: v128): v128 {
  const tiny = f64x2.lt(x, k(SMALLEST_NORMAL));
  const scaled = v128.bitselect(f64x2.mul(x, k(TWO54)), x, tiny);
  const kAdjust = v128.and(k(MINUS_54), tiny);

  let bits = i64x2.add(scaled, k(MANTISSA_SHIFT));
  const e = f64x2.sub(v128.or(i64x2.shr_u(bits, 52), k(EXPONENT_BITS)), k(K_OFFSET));
  const kf = f64x2.add(e, kAdjust);
  bits = i64x2.add(v128.and(bits, k(MANTISSA_MASK)), k(MANTISSA_BASE));
  const f = f64x2.sub(bits, k(ONE));

  const hfsq = f64x2.mul(f64x2.mul(k(HALF), f), f);
  const s = f64x2.div(f, f64x2.add(k(TWO), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, madd(w, madd(w, k(LG1 + 5), LG1 + 3), LG1 + 1));
  const t2 = f64x2.mul(z, madd(w, madd(w, madd(w, k(LG1 + 6), LG1 + 4), LG1 + 2), LG1));
  const r = f64x2.add(t2, t1);
  const inner = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, r)), f64x2.mul(kf, k(LN2_LO)));
  const result = f64x2.sub(f64x2.mul(kf, k(LN2_HI)), f64x2.sub(f64x2.sub(hfsq, inner), f));
  return v128.bitselect(k(MINUS_INF), result, f64x2.eq(x, f64x2.splat(0)));
}

/** vlog without the subnormal rescale and the ln(0) select: x must be a positive normal number. */
// @ts-ignore: decorator
@inline
export function vlogNormal(x: v128): v128 {
  let bits = i64x2.add(x, k(MANTISSA_SHIFT));
  const kf = f64x2.sub(v128.or(i64x2.shr_u(bits, 52), k(EXPONENT_BITS)), k(K_OFFSET));
  bits = i64x2.add(v128.and(bits, k(MANTISSA_MASK)), k(MANTISSA_BASE));
  const f = f64x2.sub(bits, k(ONE));
  const hfsq = f64x2.mul(f64x2.mul(k(HALF), f), f);
  const s = f64x2.div(f, f64x2.add(k(TWO), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, madd(w, madd(w, k(LG1 + 5), LG1 + 3), LG1 + 1));
  const t2 = f64x2.mul(z, madd(w, madd(w, madd(w, k(LG1 + 6), LG1 + 4), LG1 + 2), LG1));
  const r = f64x2.add(t2, t1);
  const inner = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, r)), f64x2.mul(kf, k(LN2_LO)));
  return f64x2.sub(f64x2.mul(kf, k(LN2_HI)), f64x2.sub(f64x2.sub(hfsq, inner), f));
}

/** e^x for x in [-Inf, 709]; results below the subnormal range flush to 0. */
// @ts-ignore: decorator
@inline
export function vexp(x: v128): v128 {
  x = f64x2.max(x, k(EXP_FLOOR));
  const kf = f64x2.nearest(f64x2.mul(x, k(INV_LN2)));
  const hi = f64x2.sub(x, f64x2.mul(kf, k(LN2_HI)));
  const lo = f64x2.mul(kf, k(LN2_LO));
  const r = f64x2.sub(hi, lo);
  const t = f64x2.mul(r, r);
  const c = f64x2.sub(r, f64x2.mul(t, madd(t, madd(t, madd(t, madd(t, k(P1 + 4), P1 + 3), P1 + 2), P1 + 1), P1)));
  const y = f64x2.sub(
    k(ONE),
    f64x2.sub(f64x2.sub(lo, f64x2.div(f64x2.mul(r, c), f64x2.sub(k(TWO), c))), hi),
  );
  // 2^k in two factors so that k down to -1558 never leaves the normal range before the
  // final multiply, which then rounds a subnormal result once.
  const magic = k(ROUND_MAGIC);
  const n = i64x2.sub(f64x2.add(kf, magic), magic);
  const n1 = i64x2.shr_s(n, 1);
  const s1 = i64x2.shl(i64x2.add(n1, k(BIAS)), 52);
  const s2 = i64x2.shl(i64x2.add(i64x2.sub(n, n1), k(BIAS)), 52);
  return f64x2.mul(f64x2.mul(y, s1), s2);
}

// @ts-ignore: decorator
@inline
function madd(x: v128, acc: v128, c: i32): v128 {
  return f64x2.add(f64x2.mul(x, acc), k(c));
}
