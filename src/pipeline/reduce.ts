import { COUNT, SUM, SUM_CARRY, WEIGHT_CARRY, WEIGHT_SUM, type Frame } from '../kernels/frame.js';
import type { Reduction } from '../options/common.js';

/** What a call's kernels added up: the weighted loss sum, counted samples and their weight sum. */
export interface Totals {
  sum: number;
  count: number;
  weightSum: number;
}

// Once a term is infinite the carry is Inf - Inf = NaN; the sum itself is then the answer.
const compensated = (sum: number, carry: number): number => (Number.isFinite(sum) ? sum + carry : sum);

export function totalsOf(frame: Frame): Totals {
  const p = frame.params;
  return { sum: compensated(p[SUM], p[SUM_CARRY]), count: p[COUNT], weightSum: compensated(p[WEIGHT_SUM], p[WEIGHT_CARRY]) };
}

/** The reduced loss: 'mean' divides by the counted samples (or the normalizer); a mean over nothing is 0. */
export function reduce(t: Totals, reduction: Reduction, normalizer: number | undefined): number {
  if (reduction === 'sum') return t.sum;
  const divisor = reduction === 'weightedMean' ? t.weightSum : (normalizer ?? t.count);
  return divisor === 0 ? 0 : t.sum / divisor;
}

/**
 * The gradient scale the kernels apply as they go. The divisor of 'mean' (without a
 * normalizer) is only known once every label has been read, so they assume every sample
 * counts (`samples`), and finishGradient corrects that afterwards if some did not;
 * 'weightedMean' divides by the weight sum afterwards.
 */
export function provisionalScale(reduction: Reduction | 'none', normalizer: number | undefined, samples: number): number {
  if (reduction !== 'mean') return 1;
  return 1 / (normalizer ?? samples);
}

/**
 * What the provisional gradient scale is off by, once the totals are known, as a fraction
 * (dividing rather than multiplying by a reciprocal, which a subnormal weight sum would make
 * infinite); null when it is right.
 */
export function gradientCorrection(
  t: Totals, reduction: Reduction | 'none', normalizer: number | undefined, samples: number,
): [number, number] | null {
  if (reduction === 'weightedMean') return [1, t.weightSum];
  if (reduction === 'mean' && normalizer === undefined && t.count !== samples) return [samples, t.count];
  return null;
}
