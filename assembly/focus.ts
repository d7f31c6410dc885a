import { vexp, vlog } from './vector-math';

// The modulating factor (1 - p)^gamma. Integer and half-integer gammas (0, 0.5, 1, 1.5,
// 2, ...) are the ones people use; they get multiplications and one sqrt instead of pow,
// which is both faster and exactly rounded per step.
const MAX_MULTIPLY_POWER: f64 = 16;

/** 0 for a general gamma, else 1 + the integer part (so 0 is free to mean "use pow"). */
export function powerPlan(gamma: f64): i32 {
  const twice = gamma * 2;
  if (gamma > MAX_MULTIPLY_POWER || twice != Math.floor(twice)) return 0;
  return <i32>gamma + 1;
}

export function focus(q: f64, gamma: f64, plan: i32): f64 {
  if (plan == 0) return Math.pow(q, gamma);
  let w: f64 = 1;
  for (let j = 1; j < plan; j++) w *= q;
  if (gamma != <f64>(plan - 1)) w *= Math.sqrt(q);
  return w;
}

// q^gamma on two lanes, one class per common gamma. The loop is instantiated once per
// class (a generic over the class), so each copy has a straight-line body: V8 allocates
// registers far better for that than for a body split by a branch or an inner loop.
export class Pow0 {
  // @ts-ignore: decorator
  @inline apply(q: v128, gamma: v128): v128 { return f64x2.splat(1); }
}
export class Pow05 {
  // @ts-ignore: decorator
  @inline apply(q: v128, gamma: v128): v128 { return f64x2.sqrt(q); }
}
export class Pow1 {
  // @ts-ignore: decorator
  @inline apply(q: v128, gamma: v128): v128 { return q; }
}
export class Pow15 {
  // @ts-ignore: decorator
  @inline apply(q: v128, gamma: v128): v128 { return f64x2.mul(q, f64x2.sqrt(q)); }
}
export class Pow2 {
  // @ts-ignore: decorator
  @inline apply(q: v128, gamma: v128): v128 { return f64x2.mul(q, q); }
}
export class Pow25 {
  // @ts-ignore: decorator
  @inline apply(q: v128, gamma: v128): v128 { return f64x2.mul(f64x2.mul(q, q), f64x2.sqrt(q)); }
}
export class PowAny {
  // @ts-ignore: decorator
  @inline apply(q: v128, gamma: v128): v128 { return vexp(f64x2.mul(gamma, vlog(q))); }
}
