import { entry, type EntryRef } from '../errors/detail.js';

type Typed = Float64Array | Float32Array;

/**
 * Where a flat buffer keeps each value of a batch of `samples` samples × `classes` classes
 * (binary: labels): sample i's value for class c sits at
 *   (i div inner) · classes · inner + c · inner + (i mod inner).
 * `inner` = 1 is rows of C values, row-major ([N, C]; channels-last maps are such rows, one per
 * pixel); `inner` > 1 is channels-first maps ([N, C, ...]: each image holds C planes of
 * `inner` pixels, and a pixel is a sample whose classes lie `inner` apart). This module is
 * the one place that indexes flat buffers: filling the kernels' contiguous chunk rows, writing
 * gradients back, naming an entry in messages, and cutting a batch into parts.
 */
export class Layout {
  constructor(
    readonly samples: number,
    readonly classes: number,
    readonly inner = 1,
  ) {}

  /** Rows as the kernels read them: a chunk of samples is a contiguous run of the buffer. */
  get rowMajor(): boolean {
    return this.inner === 1;
  }

  index(i: number, c: number): number {
    const inner = this.inner;
    if (inner === 1) return i * this.classes + c;
    const outer = Math.floor(i / inner);
    return (outer * this.classes + c) * inner + (i - outer * inner);
  }

  /** The sample and class of flat position k. */
  locate(k: number): { sample: number; class: number } {
    const { classes, inner } = this;
    if (inner === 1) return { sample: Math.floor(k / classes), class: k % classes };
    const outer = Math.floor(k / (classes * inner));
    const rest = k - outer * classes * inner;
    return { sample: outer * inner + (rest % inner), class: Math.floor(rest / inner) };
  }

  /** Entry (i, c) of a flat argument of this layout, for messages: yPred[7] (sample 3, class 1); with one class, yPred[3]. */
  entry(argument: string, i: number, c: number): EntryRef {
    const index = this.index(i, c);
    return this.classes === 1 ? entry(argument, { index, sample: i }) : entry(argument, { index, sample: i, class: c });
  }

  /** Samples [start, start + m) of a typed buffer as rows of C: a view where they already are rows, else a copy into `into`. */
  rows(values: Typed, start: number, m: number, into: Typed, inPlace: boolean): Typed {
    const C = this.classes;
    if (this.inner === 1) {
      const run = values.subarray(start * C, (start + m) * C);
      if (inPlace) return run;
      into.set(run);
      return into;
    }
    for (let j = 0; j < m; j++) for (let c = 0; c < C; c++) into[j * C + c] = values[this.index(start + j, c)];
    return into;
  }

  /** Writes rows of C (`from`, a chunk of samples [start, start + m)) into a buffer of this layout. */
  writeRows(from: ArrayLike<number>, into: Typed, start: number, m: number): void {
    const C = this.classes;
    if (this.inner === 1) {
      into.set(from.length === m * C ? from : (from as Typed).subarray(0, m * C), start * C);
      return;
    }
    for (let j = 0; j < m; j++) for (let c = 0; c < C; c++) into[this.index(start + j, c)] = from[j * C + c];
  }

  /** Zeroes samples [start, start + m)'s entries and sets one per sample (a gathered gradient): value[j] at class[j], none where class[j] < 0. */
  scatter(values: ArrayLike<number>, classes: Int32Array, into: Typed, start: number, m: number): void {
    const C = this.classes;
    if (this.inner === 1) into.fill(0, start * C, (start + m) * C);
    else for (let j = 0; j < m; j++) for (let c = 0; c < C; c++) into[this.index(start + j, c)] = 0;
    for (let j = 0; j < m; j++) if (classes[j] >= 0) into[this.index(start + j, classes[j])] = values[j];
  }

  /**
   * Samples [from, to) as a batch of their own: the flat range of the buffer that holds them
   * and its layout. Row-major batches cut anywhere; channels-first ones at whole images.
   */
  slice(from: number, to: number): { start: number; end: number; layout: Layout } {
    const { classes, inner } = this;
    if (inner === 1) return { start: from * classes, end: to * classes, layout: new Layout(to - from, classes) };
    if (from % inner !== 0 || (to % inner !== 0 && to !== this.samples)) {
      throw new Error(`focal-loss-wasm: internal error: samples [${from}, ${to}) cut an image of ${inner} pixels`);
    }
    return { start: from * classes, end: to * classes, layout: new Layout(to - from, classes, inner) };
  }
}
