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

// @ts-ignore: decorator
@inline
export function vfocus(q: v128, gamma: f64, plan: i32): v128 {
  if (plan == 0) return vexp(f64x2.mul(f64x2.splat(gamma), vlog(q)));
  let w = f64x2.splat(1);
  for (let j = 1; j < plan; j++) w = f64x2.mul(w, q);
  if (gamma != <f64>(plan - 1)) w = f64x2.mul(w, f64x2.sqrt(q));
  return w;
}
