// The modulating factor (1 - p)^gamma, as in assembly/math/focus.ts: integer and
// half-integer gammas up to 16 use multiplications and one sqrt, exactly rounded per step;
// any other gamma is exp(gamma * ln q) with ln q from log1p, so that a large gamma does not
// amplify the rounding of q = 1 - p.
const MAX_MULTIPLY_POWER = 16;

/** 0 for a general gamma, else 1 + its integer part. */
export function powerPlan(gamma: number): number {
  const twice = gamma * 2;
  if (gamma > MAX_MULTIPLY_POWER || twice !== Math.floor(twice)) return 0;
  return Math.floor(gamma) + 1;
}

/** q^gamma, with logQ = ln q (used only for a general gamma). */
export function focus(q: number, logQ: number, gamma: number, plan: number): number {
  if (plan === 0) return Math.exp(gamma * logQ);
  let w = 1;
  for (let j = 1; j < plan; j++) w *= q;
  if (gamma !== plan - 1) w *= Math.sqrt(q);
  return w;
}

/** ln(1 - p) from p and q = fl(1 - p): log1p where q has lost digits, else ln q. */
export function logOneMinus(p: number, q: number): number {
  return p < 0.5 ? Math.log1p(-p) : Math.log(q);
}

const SMALLEST_NORMAL = 2.2250738585072014e-308;

/**
 * Whether t * q^gamma can be used as it is: both the factor and the product are normal
 * numbers. Otherwise (a subnormal factor that lost digits, a product that overflowed or went
 * subnormal, alpha * w itself overflowing) the term is formed in log space (inLogSpace).
 */
export function isFine(factor: number, product: number): boolean {
  return factor >= SMALLEST_NORMAL && product >= SMALLEST_NORMAL && product < Infinity;
}

/** m * a * w * q^gamma as exp(ln a + ln w + gamma ln q + ln |m|), with its sign; 0 if any factor is. */
export function inLogSpace(m: number, a: number, w: number, gamma: number, logQ: number): number {
  if (m === 0 || a === 0 || w === 0) return 0;
  // gamma = 0 is q^0 = 1 even where ln q = -Infinity.
  const power = gamma === 0 ? 0 : gamma * logQ;
  const value = Math.exp(Math.log(a) + Math.log(w) + power + Math.log(Math.abs(m)));
  return m < 0 ? -value : value;
}
