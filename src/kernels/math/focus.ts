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
 * Whether q^gamma came out subnormal: it has then lost digits, and a large weight times it
 * would show that, so the term is formed in log space instead (inLogSpace).
 */
export function isTiny(factor: number): boolean {
  return factor < SMALLEST_NORMAL && factor > 0;
}

/** scale * q^gamma as exp(gamma ln q + ln scale). */
export function inLogSpace(scale: number, gamma: number, logQ: number): number {
  return Math.exp(gamma * logQ + Math.log(scale));
}
