// f64x2 natural log and exp. Wasm has no vector transcendental functions, so these follow
// fdlibm's e_log.c and e_exp.c lane-wise (both < 1 ulp there), with the exponent split
// done on the bit patterns so that no lane needs an integer conversion instruction.

const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700e+00;
const TWO52: f64 = 4503599627370496.0;
const TWO54: f64 = 18014398509481984.0;
const SMALLEST_NORMAL: f64 = 2.2250738585072014e-308;

const LG1: f64 = 6.666666666666735130e-01;
const LG2: f64 = 3.999999999940941908e-01;
const LG3: f64 = 2.857142874366239149e-01;
const LG4: f64 = 2.222219843214978396e-01;
const LG5: f64 = 1.818357216161805012e-01;
const LG6: f64 = 1.531383769920937332e-01;
const LG7: f64 = 1.479819860511658591e-01;

const P1: f64 = 1.66666666666666019037e-01;
const P2: f64 = -2.77777777770155933842e-03;
const P3: f64 = 6.61375632143793436117e-05;
const P4: f64 = -1.65339022054652515390e-06;
const P5: f64 = 4.13813679705723846039e-08;

// Below this every exp result is 0 even after the two-step scaling.
const EXP_FLOOR: f64 = -1080.0;

/** ln(x) for x in [0, +Inf): subnormals are rescaled first, ln(0) = -Inf. */
// @ts-ignore: decorator
@inline
export function vlog(x: v128): v128 {
  const zero = f64x2.splat(0);
  const tiny = f64x2.lt(x, f64x2.splat(SMALLEST_NORMAL));
  const scaled = v128.bitselect(f64x2.mul(x, f64x2.splat(TWO54)), x, tiny);
  const kAdjust = v128.bitselect(f64x2.splat(-54.0), zero, tiny);

  // Move the mantissa into [sqrt(2)/2, sqrt(2)) and the rest into the exponent k.
  let bits = i64x2.add(scaled, i64x2.splat(0x95F6200000000));
  const biased = i64x2.shr_u(bits, 52);
  const k = f64x2.add(
    f64x2.sub(v128.or(biased, i64x2.splat(0x4330000000000000)), f64x2.splat(TWO52 + 1023.0)),
    kAdjust,
  );
  bits = i64x2.add(v128.and(bits, i64x2.splat(0x000FFFFFFFFFFFFF)), i64x2.splat(0x3FE6A09E00000000));
  const f = f64x2.sub(bits, f64x2.splat(1.0));

  const hfsq = f64x2.mul(f64x2.mul(f64x2.splat(0.5), f), f);
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2.0), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, madd(w, madd(w, f64x2.splat(LG6), LG4), LG2));
  const t2 = f64x2.mul(z, madd(w, madd(w, madd(w, f64x2.splat(LG7), LG5), LG3), LG1));
  const r = f64x2.add(t2, t1);
  const inner = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, r)), f64x2.mul(k, f64x2.splat(LN2_LO)));
  const result = f64x2.sub(
    f64x2.mul(k, f64x2.splat(LN2_HI)),
    f64x2.sub(f64x2.sub(hfsq, inner), f),
  );
  return v128.bitselect(f64x2.splat(-Infinity), result, f64x2.eq(x, zero));
}

/** e^x for x in [-Inf, 709]; results below the subnormal range flush to 0. */
// @ts-ignore: decorator
@inline
export function vexp(x: v128): v128 {
  x = f64x2.max(x, f64x2.splat(EXP_FLOOR));
  const kf = f64x2.nearest(f64x2.mul(x, f64x2.splat(INV_LN2)));
  const hi = f64x2.sub(x, f64x2.mul(kf, f64x2.splat(LN2_HI)));
  const lo = f64x2.mul(kf, f64x2.splat(LN2_LO));
  const r = f64x2.sub(hi, lo);
  const t = f64x2.mul(r, r);
  const c = f64x2.sub(
    r,
    f64x2.mul(t, madd(t, madd(t, madd(t, madd(t, f64x2.splat(P5), P4), P3), P2), P1)),
  );
  const y = f64x2.sub(
    f64x2.splat(1.0),
    f64x2.sub(
      f64x2.sub(lo, f64x2.div(f64x2.mul(r, c), f64x2.sub(f64x2.splat(2.0), c))),
      hi,
    ),
  );
  // 2^k in two factors so that k down to -1558 never leaves the normal range before the
  // final multiply, which then rounds a subnormal result once.
  const magic = f64x2.splat(TWO52 * 1.5);
  const k = i64x2.sub(f64x2.add(kf, magic), magic);
  const k1 = i64x2.shr_s(k, 1);
  const k2 = i64x2.sub(k, k1);
  const bias = i64x2.splat(1023);
  const s1 = i64x2.shl(i64x2.add(k1, bias), 52);
  const s2 = i64x2.shl(i64x2.add(k2, bias), 52);
  return f64x2.mul(f64x2.mul(y, s1), s2);
}

// @ts-ignore: decorator
@inline
function madd(x: v128, acc: v128, c: f64): v128 {
  return f64x2.add(f64x2.mul(x, acc), f64x2.splat(c));
}
