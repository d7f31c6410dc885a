import { CompensatedSum } from './compensated-sum.js';
import type { Reduction } from './options.js';

/** Collects per-chunk results into the requested reduction. */
export class Reducer {
  private readonly total = new CompensatedSum();
  private counted = 0;
  private readonly perSample: Float64Array | null;

  constructor(
    private readonly reduction: Reduction,
    n: number,
  ) {
    this.perSample = reduction === 'none' ? new Float64Array(n) : null;
  }

  /** A chunk of samples [start, start + losses.length): its pairwise sum and counted samples. */
  add(sum: number, counted: number, start: number, losses: Float64Array): void {
    this.total.add(sum);
    this.counted += counted;
    this.perSample?.set(losses, start);
  }

  result(): number | Float64Array {
    if (this.perSample !== null) return this.perSample;
    if (this.reduction === 'sum') return this.total.value();
    return this.counted === 0 ? 0 : this.total.value() / this.counted;
  }
}
