import type { Backend } from './backend.js';
import { CompensatedSum } from './compensated-sum.js';
import { copySampleWeights } from './marshal.js';
import type { Reduction, Resolved } from './options.js';

/** Collects per-chunk results into the requested reduction. */
export class Reducer {
  private readonly total = new CompensatedSum();
  private readonly weightTotal = new CompensatedSum();
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
    this.weightTotal.add(weightSum);
    this.counted += counted;
    this.perSample?.set(losses, start);
  }

  result(): number | Float64Array {
    if (this.perSample !== null) return this.perSample;
    const total = this.total.value();
    if (this.reduction === 'sum') return total;
    const divisor = this.reduction === 'weightedMean' ? this.weightTotal.value() : (this.normalizer ?? this.counted);
    return divisor === 0 ? 0 : total / divisor;
  }
}

/**
 * A Reducer for chunks of per-sample losses (focalLoss, workspaces) that applies the
 * options' `sampleWeight` to each chunk before adding it.
 */
export class SampleReducer extends Reducer {
  constructor(
    private readonly fn: string,
    private readonly o: Resolved,
    n: number,
    private readonly backend: Backend,
    private readonly out: Float64Array,
    private readonly weights: Float64Array,
  ) {
    super(o.reduction, n, o.normalizer);
  }

  /**
   * Samples [start, start + m), whose losses are in `out` and sum to `sum`; `labels` marks
   * ignored samples with -1 (null: every sample counts).
   */
  addSamples(sum: number, counted: number, start: number, m: number, labels: Int32Array | null): void {
    let weightSum = counted;
    if (this.o.sampleWeight !== undefined) {
      weightSum = copySampleWeights(this.fn, this.o.sampleWeight, start, m, 1, this.weights, labels);
      sum = this.backend.applyWeights(this.out, this.weights, m);
    }
    this.add(sum, counted, weightSum, start, this.out.subarray(0, m));
  }
}
