import { valueOf } from '../math/compensated.js';
import type { Values } from '../kernels/frame.js';
import type { Reduction } from '../options/common.js';
import type { Totals } from './reduce.js';

/**
 * How a reduction scales the gradient: by what it divides the loss by. Some divisors are known
 * only once every row has been read (the counted samples of 'mean' when labels are ignored,
 * Σw of 'weightedMean'), so the kernels apply `provisional` as they go and `correction` says,
 * from the totals of all parts, what the gradient is off by. One policy for the one-shot call,
 * workspaces and the pool, whose parts all use the same provisional scale.
 */
export interface GradientScale {
  readonly provisional: number;
  /** null when the provisional scale was right; else the [numerator, denominator] to multiply by. */
  correction(t: Totals): readonly [number, number] | null;
}

/** `samples`: the batch's samples (binary: elements), what 'mean' divides by when none is ignored. */
export function gradientScale(reduction: Reduction | 'none', normalizer: number | undefined, samples: number): GradientScale {
  if (reduction === 'weightedMean') return { provisional: 1, correction: (t) => [1, valueOf(t.weightSum)] };
  if (reduction !== 'mean') return { provisional: 1, correction: () => null };
  if (normalizer !== undefined) {
    // 1 / normalizer above 1 is applied after the kernels (a division): multiplied into a
    // derivative's factors first, it overflows where the true entry is still finite.
    return normalizer >= 1 ? { provisional: 1 / normalizer, correction: () => null } : { provisional: 1, correction: () => [1, normalizer] };
  }
  return { provisional: 1 / samples, correction: (t) => (t.count === samples ? null : [samples, t.count]) };
}

/**
 * Brings a gradient computed with the provisional scale to the exact one, dividing (a
 * subnormal denominator's reciprocal would be infinite). A float32 gradient rescaled after
 * rounding would be rounded twice: it must be computed again with the exact scale, which is
 * returned for that (null: the gradient is final).
 */
export function finishGradient(grad: Values, correction: readonly [number, number], provisional: number): number | null {
  const [numerator, denominator] = correction;
  const exact = (provisional * numerator) / denominator;
  if (denominator === 0) grad.fill(0);
  else if (grad instanceof Float32Array && Number.isFinite(exact)) return exact;
  else for (let k = 0; k < grad.length; k++) grad[k] = (grad[k] * numerator) / denominator;
  return null;
}
