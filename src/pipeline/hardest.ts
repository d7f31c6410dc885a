// The k samples with the largest loss, kept in a heap whose root is the one that leaves
// first. The order is total (loss descending, then row, then column ascending), so any split
// of a data set into shards, merged in any order, keeps the same k as one pass over it.

/** One of the hardest samples (binary: elements). */
export interface HardSample {
  /** The data set's row: the accumulator's firstRow plus the sample's place in its stream (maps: a pixel of an image). */
  row: number;
  /** Binary: the label column. */
  column?: number;
  /** The true class (binary: the target y). */
  label: number;
  /** The sample's loss, as reduction 'none' gives it (α and sample weights included). */
  loss: number;
  /** The probability of the true class (binary: y p + (1 − y)(1 − p)). */
  pt: number;
}

/** Whether a ranks before b. */
export const ranksBefore = (a: HardSample, b: HardSample): boolean =>
  a.loss > b.loss || (a.loss === b.loss && (a.row < b.row || (a.row === b.row && (a.column ?? 0) < (b.column ?? 0))));

export class Hardest {
  private readonly heap: HardSample[] = [];
  /** Losses below this cannot enter: the last one's while the heap is full. */
  floor: number;

  constructor(readonly k: number) {
    this.floor = k === 0 ? Infinity : -Infinity;
  }

  get size(): number {
    return this.heap.length;
  }

  offer(s: HardSample): void {
    const heap = this.heap;
    if (heap.length < this.k) {
      heap.push(s);
      this.up(heap.length - 1);
    } else if (this.k > 0 && ranksBefore(s, heap[0])) {
      heap[0] = s;
      this.down(0);
    } else {
      return;
    }
    if (heap.length === this.k) this.floor = heap[0].loss;
  }

  /** Hardest first. */
  sorted(): HardSample[] {
    return [...this.heap].sort((a, b) => (ranksBefore(a, b) ? -1 : 1));
  }

  private up(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!ranksBefore(heap[parent], heap[i])) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      let last = i;
      for (const child of [2 * i + 1, 2 * i + 2]) if (child < heap.length && ranksBefore(heap[last], heap[child])) last = child;
      if (last === i) return;
      [heap[last], heap[i]] = [heap[i], heap[last]];
      i = last;
    }
  }
}
