import { CompensatedSum } from './compensated-sum.js';
import type { Reduction } from './options.js';

/** Collects per-chunk results into the requested reduction. */
export class Reducer {
  private readonly total = new CompensatedSum();
  private readonly weights = new CompensatedSum();
  private counted = 0;
  private readonly perSample: Float64Array | null;

  constructor(
    private readonly reduction: Reduction,
    n: number,
    private readonly normalizer?: number,
  ) {
    this.perSample = reduction === 'none' ? new Float64Array(n) : null;
  }

  /**
   * A chunk of losses for items [start, start + losses.length): their (weighted) pairwise
   * sum, how many items count towards 'mean', and the sum of their sample weights.
   */
  add(sum: number, counted: number, weightSum: number, start: number, losses: Float64Array): void {
    this.total.add(sum);
    this.weights.add(weightSum);
    this.counted += counted;
    this.perSample?.set(losses, start);
  }

  result(): number | Float64Array {
    if (this.perSample !== null) return this.perSample;
    const total = this.total.value();
    if (this.reduction === 'sum') return total;
    const divisor = this.reduction === 'weightedMean' ? this.weights.value() : (this.normalizer ?? this.counted);
    return divisor === 0 ? 0 : total / divisor;
  }
}
