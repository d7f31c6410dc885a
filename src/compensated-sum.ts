/** Neumaier's compensated running sum, for adding up the per-chunk pairwise sums. */
export class CompensatedSum {
  private sum = 0;
  private carry = 0;

  add(x: number): void {
    const t = this.sum + x;
    this.carry += Math.abs(this.sum) >= Math.abs(x) ? this.sum - t + x : x - t + this.sum;
    this.sum = t;
  }

  value(): number {
    // Once a term is infinite the carry is Inf - Inf = NaN; the sum itself is the answer.
    return Number.isFinite(this.sum) ? this.sum + this.carry : this.sum;
  }
}
