import { entry, type EntryRef } from '../errors/detail.js';

type Typed = Float64Array | Float32Array;

/** yPred's dimensions and its class axis (normalised: 0 ≤ axis < dims.length), when the batch has them. */
export interface Dims {
  readonly dims: readonly number[];
  readonly axis: number;
}

/**
 * Where a flat buffer keeps each value of a batch of `samples` samples × `classes` classes
 * (binary: labels): sample i's value for class c sits at
 *   (i div inner) · classes · inner + c · inner + (i mod inner).
 * `inner` = 1 is rows of C values, row-major ([N, C]; channels-last maps are such rows, one per
 * pixel); `inner` > 1 is maps with the classes on an earlier axis (channels-first [N, C, H, W]:
 * each image holds C planes of `inner` = H·W pixels, and a pixel is a sample whose classes lie
 * `inner` apart; with the classes on axis a, `inner` is the product of the dimensions after it). With `dims`
 * (yPred's shape and class axis), entries of maps are named by their coordinates. This module
 * is the one place that indexes flat buffers: filling the kernels' contiguous chunk rows,
 * writing gradients back, naming an entry in messages, and cutting a batch into parts.
 */
export class Layout {
  constructor(
    readonly samples: number,
    readonly classes: number,
    readonly inner = 1,
    readonly shape: Dims | null = null,
  ) {}

  /** Rows as the kernels read them: a chunk of samples is a contiguous run of the buffer. */
  get rowMajor(): boolean {
    return this.inner === 1;
  }

  /** Entries are named by coordinates: maps (rank ≥ 3) and class axes other than the last. */
  get coordinates(): boolean {
    return this.shape !== null && (this.shape.dims.length > 2 || !this.rowMajor);
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

  /** yPred's coordinates of sample i's class c (null: the whole class axis), for maps. */
  private coordinatesOf(i: number, c: number | null): Array<number | null> {
    const { dims, axis } = this.shape!;
    const outer = Math.floor(i / this.inner);
    return [...unravel(outer, dims.slice(0, axis)), c, ...unravel(i - outer * this.inner, dims.slice(axis + 1))];
  }

  /** Entry (i, c) of a flat argument of this layout, for messages: yPred[7] (sample 3, class 1); with one class, yPred[3]; in maps yPred[0, 2, 1, 3]. */
  entry(argument: string, i: number, c: number): EntryRef {
    const index = this.index(i, c);
    if (this.coordinates) return entry(argument, { index, sample: i, class: c, coords: this.coordinatesOf(i, c) });
    return this.classes === 1 ? entry(argument, { index, sample: i }) : entry(argument, { index, sample: i, class: c });
  }

  /** Sample i of an argument with one value per sample (class indices): yTrue[3]; in maps yTrue[0, 1, 3]. */
  sampleEntry(argument: string, i: number): EntryRef {
    if (!this.coordinates) return entry(argument, { sample: i });
    return entry(argument, { sample: i, coords: this.coordinatesOf(i, null).filter((x): x is number => x !== null) });
  }

  /** Sample i's values in an argument of this layout, all classes: yPred[3]; in maps yPred[0, :, 1, 3]. */
  rowEntry(argument: string, i: number): EntryRef {
    return this.coordinates ? entry(argument, { sample: i, coords: this.coordinatesOf(i, null) }) : entry(argument, { sample: i });
  }

  /**
   * Samples [start, start + m) of a row-major typed buffer as rows of C: a view where they
   * are (`inPlace`), else a copy into `into`. (Channels-first chunks come through planes().)
   */
  rows(values: Typed, start: number, m: number, into: Typed, inPlace: boolean): Typed {
    const C = this.classes;
    const run = values.subarray(start * C, (start + m) * C);
    if (inPlace) return run;
    into.set(run);
    return into;
  }

  /** Writes rows of C (`from`, a chunk of samples [start, start + m)) into a row-major buffer. (Channels-first: writePlanes().) */
  writeRows(from: ArrayLike<number>, into: Typed, start: number, m: number): void {
    const C = this.classes;
    into.set(from.length === m * C ? from : (from as Typed).subarray(0, m * C), start * C);
  }

  /**
   * Calls `run(k, length, at)` for each run of samples [start, start + m) that lies contiguous
   * in one image: flat position k of its class-0 value, `length` samples, `at` its place in
   * the chunk. Channels-first only (a run's class c is at k + c · inner).
   */
  private eachRun(start: number, m: number, run: (k: number, length: number, at: number) => void): void {
    const { inner, classes } = this;
    for (let at = 0; at < m; ) {
      const i = start + at;
      const outer = Math.floor(i / inner);
      const length = Math.min(m - at, (outer + 1) * inner - i);
      run(outer * classes * inner + (i - outer * inner), length, at);
      at += length;
    }
  }

  /**
   * Samples [start, start + m) of a channels-first buffer as C planes of m values (plane c at
   * c · m of `into`): the class planes copied as they lie, for the kernel instance to transpose.
   */
  planes(values: Typed, start: number, m: number, into: Typed): void {
    const { inner, classes } = this;
    this.eachRun(start, m, (k, length, at) => {
      for (let c = 0; c < classes; c++) into.set(values.subarray(k + c * inner, k + c * inner + length), c * m + at);
    });
  }

  /** The reverse of planes(): C planes of m values (a chunk of samples [start, start + m)) into a buffer of this layout. */
  writePlanes(from: Typed, into: Typed, start: number, m: number): void {
    const { inner, classes } = this;
    this.eachRun(start, m, (k, length, at) => {
      for (let c = 0; c < classes; c++) into.set(from.subarray(c * m + at, c * m + at + length), k + c * inner);
    });
  }

  /** Zeroes samples [start, start + m)'s entries and sets one per sample (a gathered gradient): value[j] at class[j], none where class[j] < 0. */
  scatter(values: ArrayLike<number>, classes: Int32Array, into: Typed, start: number, m: number): void {
    const C = this.classes;
    if (this.inner === 1) into.fill(0, start * C, (start + m) * C);
    else this.eachRun(start, m, (k, length) => {
      for (let c = 0; c < C; c++) into.fill(0, k + c * this.inner, k + c * this.inner + length);
    });
    for (let j = 0; j < m; j++) if (classes[j] >= 0) into[this.index(start + j, classes[j])] = values[j];
  }

  /**
   * Samples [from, to) as a batch of their own: the runs of the flat buffer that hold them,
   * in the order the part's own buffer holds them, and the part's layout. Rows and whole
   * channels-first images are one run; pixels that cut an image become one image of
   * to − from pixels, each class plane gathered from the images they lie in.
   */
  slice(from: number, to: number): Slice {
    const { classes, inner } = this;
    if (inner === 1 || (from % inner === 0 && (to % inner === 0 || to === this.samples))) {
      return new Slice([[from * classes, to * classes]], new Layout(to - from, classes, inner));
    }
    const pieces: Array<[k: number, length: number]> = [];
    this.eachRun(from, to - from, (k, length) => pieces.push([k, length]));
    const runs: Array<[number, number]> = [];
    for (let c = 0; c < classes; c++) for (const [k, length] of pieces) runs.push([k + c * inner, k + c * inner + length]);
    return new Slice(runs, new Layout(to - from, classes, to - from));
  }
}

/** A part of a batch: the runs [start, end) of the whole's flat buffer its own buffer is made of, in order. */
export class Slice {
  constructor(
    readonly runs: ReadonlyArray<readonly [number, number]>,
    readonly layout: Layout,
  ) {}

  /** How many values the part holds. */
  get length(): number {
    return this.runs.reduce((sum, [start, end]) => sum + end - start, 0);
  }

  /** One run: the part is a contiguous range of the whole. */
  get contiguous(): boolean {
    return this.runs.length === 1;
  }

  /** The part's values, gathered from the whole's buffer into `into`. */
  take(whole: ArrayLike<unknown>, into: { [k: number]: unknown }): void {
    let at = 0;
    for (const [start, end] of this.runs) {
      if (ArrayBuffer.isView(whole) && ArrayBuffer.isView(into)) (into as Typed).set((whole as unknown as Typed).subarray(start, end), at);
      else for (let k = start; k < end; k++) into[at + k - start] = whole[k];
      at += end - start;
    }
  }

  /** The part's values put back where they belong in the whole's buffer. */
  place(part: Typed, whole: Typed): void {
    let at = 0;
    for (const [start, end] of this.runs) {
      whole.set(part.subarray(at, at + end - start), start);
      at += end - start;
    }
  }
}

/** The coordinates of flat position k in an array of shape `dims` (row-major). */
function unravel(k: number, dims: readonly number[]): number[] {
  const out = new Array<number>(dims.length);
  for (let d = dims.length - 1; d >= 0; d--) {
    out[d] = k % dims[d];
    k = Math.floor(k / dims[d]);
  }
  return out;
}
