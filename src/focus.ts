// The modulating factor (1 - p)^gamma, as in assembly/focus.ts: integer and half-integer gammas
// use multiplications and one sqrt, exactly rounded per step; anything else uses pow.
const MAX_MULTIPLY_POWER = 16;

/** 0 for a general gamma, else 1 + its integer part. */
export function powerPlan(gamma: number): number {
  const twice = gamma * 2;
  if (gamma > MAX_MULTIPLY_POWER || twice !== Math.floor(twice)) return 0;
  return Math.floor(gamma) + 1;
}

export function focus(q: number, gamma: number, plan: number): number {
  if (plan === 0) return Math.pow(q, gamma);
  let w = 1;
  for (let j = 1; j < plan; j++) w *= q;
  if (gamma !== plan - 1) w *= Math.sqrt(q);
  return w;
}
