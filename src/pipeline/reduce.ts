import { COUNT, PER_CLASS_SLOTS, SUM, SUM_CARRY, WEIGHT_CARRY, WEIGHT_SUM } from '../kernels/frame.js';
import { addTo, valueOf, type Compensated } from '../math/compensated.js';
import type { Reduction } from '../options/common.js';

/** What rows added up to: Σ w·loss and Σ w (compensated), and the samples counted. Plain data: it crosses threads as it is. */
export interface Totals {
  sum: Compensated;
  count: number;
  weightSum: Compensated;
}

export const noTotals = (): Totals => ({ sum: [0, 0], count: 0, weightSum: [0, 0] });

/** The totals a frame's kernels added up. */
export function totalsOf(params: Float64Array): Totals {
  return { sum: [params[SUM], params[SUM_CARRY]], count: params[COUNT], weightSum: [params[WEIGHT_SUM], params[WEIGHT_CARRY]] };
}

/** Adds another part's totals (merging is exact: the carries add too). */
export function addTotals(into: Totals, from: Totals): void {
  addTo(into.sum, from.sum[0], from.sum[1]);
  into.count += from.count;
  addTo(into.weightSum, from.weightSum[0], from.weightSum[1]);
}

/** Adds per-class sums (PER_CLASS_SLOTS per class: loss sum and carry, count, weight sum), carries included. */
export function addPerClass(into: Float64Array, from: Float64Array): void {
  for (let at = 0; at < into.length; at += PER_CLASS_SLOTS) {
    const pair: Compensated = [into[at], into[at + 1]];
    addTo(pair, from[at], from[at + 1]);
    into.set(pair, at);
    into[at + 2] += from[at + 2];
    into[at + 3] += from[at + 3];
  }
}

/** The reduced loss: 'mean' divides by the counted samples (or the normalizer); a mean over nothing is 0. */
export function reduce(t: Totals, reduction: Reduction, normalizer: number | undefined): number {
  const sum = valueOf(t.sum);
  if (reduction === 'sum') return sum;
  const divisor = reduction === 'weightedMean' ? valueOf(t.weightSum) : (normalizer ?? t.count);
  return divisor === 0 ? 0 : sum / divisor;
}
