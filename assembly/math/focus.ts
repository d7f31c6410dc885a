import { vexpNonPositive } from './exp';
import { INFINITY, lanes, SMALLEST_NORMAL as SMALLEST_NORMAL_LANES } from './lanes';

// The modulating factor (1 - p)^gamma. Integer and half-integer gammas up to 16 (0, 0.5, 1,
// 1.5, 2, ...) are the ones people use: they get multiplications and one sqrt, exactly
// rounded per step. Any other gamma goes through exp(gamma * ln q) with ln q from log1p,
// so that a large gamma does not amplify the rounding of q = 1 - p.
//
// Every variant multiplies in the same order (1 * q * q ... * sqrt q), so a loop
// specialised for one gamma and the general loop give bit-identical factors.
const MAX_MULTIPLY_POWER: f64 = 16;

/** 0 for a general gamma, else 1 + its integer part (0 is free to mean "use exp"). */
export function powerPlan(gamma: f64): i32 {
  const twice = gamma * 2;
  if (gamma > MAX_MULTIPLY_POWER || twice != Math.floor(twice)) return 0;
  return <i32>gamma + 1;
}

/** q^gamma, with logQ = ln q (used only for a general gamma). */
// @ts-ignore: decorator
@inline
export function focus(q: f64, logQ: f64, gamma: f64, plan: i32): f64 {
  if (plan == 0) return Math.exp(gamma * logQ);
  let w: f64 = 1;
  for (let j = 1; j < plan; j++) w *= q;
  if (gamma != <f64>(plan - 1)) w *= Math.sqrt(q);
  return w;
}

const SMALLEST_NORMAL: f64 = 2.2250738585072014e-308;

/**
 * Whether t * q^gamma can be used as it is: both the factor and the product are normal
 * numbers. Otherwise (a subnormal factor that lost digits, a product that overflowed or went
 * subnormal, alpha * w itself overflowing) the term is formed in log space (inLogSpace).
 */
// @ts-ignore: decorator
@inline
export function isFine(factor: f64, product: f64): bool {
  return factor >= SMALLEST_NORMAL && product >= SMALLEST_NORMAL && product < Infinity;
}

/** isFine on two lanes. */
// @ts-ignore: decorator
@inline
export function vIsFine(factor: v128, product: v128): v128 {
  const normal = lanes(SMALLEST_NORMAL_LANES);
  return v128.and(v128.and(f64x2.ge(factor, normal), f64x2.ge(product, normal)), f64x2.lt(product, lanes(INFINITY)));
}

/** m * a * w * q^gamma as exp(ln a + ln w + gamma ln q + ln |m|), with its sign; 0 if any factor is. */
export function inLogSpace(m: f64, a: f64, w: f64, gamma: f64, logQ: f64): f64 {
  if (m == 0 || a == 0 || w == 0) return 0;
  // gamma = 0 is q^0 = 1 even where ln q = -Infinity.
  const power = gamma == 0 ? 0 : gamma * logQ;
  const value = Math.exp(Math.log(a) + Math.log(w) + power + Math.log(abs(m)));
  return m < 0 ? -value : value;
}

/** ln(1 - p) from p and q = fl(1 - p): log1p where q has lost digits, else ln q. */
// @ts-ignore: decorator
@inline
export function logOneMinus(p: f64, q: f64): f64 {
  return p < 0.5 ? Math.log1p(-p) : Math.log(q);
}

// q^gamma on two lanes, one class per common gamma. Kernels are instantiated once per class
// (a generic over it), so each copy has a straight-line body: V8 allocates registers far
// better for that than for a body split by a branch or an inner loop. apply() takes ln q
// as a function so that only PowAny pays for it.
export class Pow15 {
  // @ts-ignore: decorator
  @inline get general(): bool { return false; }
  // @ts-ignore: decorator
  @inline apply(q: v128, logQ: v128, gamma: v128, plan: i32): v128 { return f64x2.mul(q, f64x2.sqrt(q)); }
}
export class Pow2 {
  // @ts-ignore: decorator
  @inline get general(): bool { return false; }
  // @ts-ignore: decorator
  @inline apply(q: v128, logQ: v128, gamma: v128, plan: i32): v128 { return f64x2.mul(q, q); }
}
/** Whatever the gamma: what the loops that are not specialised use. */
export class PowRuntime {
  // @ts-ignore: decorator
  @inline get general(): bool { return true; }
  // @ts-ignore: decorator
  @inline apply(q: v128, logQ: v128, gamma: v128, plan: i32): v128 {
    return plan == 0 ? vexpNonPositive(f64x2.mul(gamma, logQ)) : vmultiply(q, gamma, plan);
  }
}

// @ts-ignore: decorator
@inline
function vmultiply(q: v128, gamma: v128, plan: i32): v128 {
  let w = f64x2.splat(1);
  for (let j = 1; j < plan; j++) w = f64x2.mul(w, q);
  if (f64x2.extract_lane(gamma, 0) != <f64>(plan - 1)) w = f64x2.mul(w, f64x2.sqrt(q));
  return w;
}
