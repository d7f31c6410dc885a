/**
 * What the batch driver needs from a compute backend. Both backends implement the same
 * kernels with the same buffer layout; the wasm one runs them in linear memory, the JS one
 * over plain typed arrays. Kernels take typed-array views into the backend's own memory.
 */
export type Dtype = 'f64' | 'f32';

/** A block of backend memory. Views over it must be re-read after anything that allocates. */
export interface Region {
  readonly bytes: number;
}

export interface Backend {
  readonly name: 'wasm' | 'js';
  alloc(bytes: number): Region;
  free(region: Region): void;
  f64(region: Region): Float64Array;
  f32(region: Region): Float32Array;
  i32(region: Region): Int32Array;
  /** Bytes of memory the backend holds (wasm: the size of linear memory). */
  memoryBytes(): number;

  /**
   * Losses of gathered target probabilities into out; returns their pairwise sum. The
   * weight of class c is weights[c * weightStride] (stride 0: one weight for every class).
   */
  probabilityLoss(
    p: Float64Array, labels: Int32Array, n: number, weights: Float64Array, weightStride: 0 | 1,
    gamma: number, epsilon: number, out: Float64Array,
  ): number;
  /** Losses of logit rows into out; returns their sum, or NaN with invalidRow() set. */
  logitLoss(
    rows: Float64Array | Float32Array, labels: Int32Array, n: number, classes: number,
    weights: Float64Array, weightStride: 0 | 1, gamma: number, out: Float64Array,
  ): number;
  invalidRow(): number;
  /**
   * Copies p_t and labels out of rows that live in backend memory (ignored samples get
   * label -1); returns the number of counted samples, or -(i + 1) for a bad sample i.
   */
  gather(
    rows: Float64Array | Float32Array, labels: Int32Array, n: number, classes: number,
    ignore: number, hasIgnore: boolean, pOut: Float64Array, labelsOut: Int32Array,
  ): number;
  /** Row losses against target rows (probabilities, f64); returns their pairwise sum. */
  denseProbabilityLoss(
    rows: Float64Array, targets: Float64Array, n: number, classes: number, weights: Float64Array,
    weightStride: 0 | 1, gamma: number, epsilon: number, out: Float64Array,
  ): number;
  /** Row losses against target rows from logits (f64); NaN with invalidDenseRow() set for a bad row. */
  denseLogitLoss(
    rows: Float64Array, targets: Float64Array, n: number, classes: number, weights: Float64Array,
    weightStride: 0 | 1, gamma: number, out: Float64Array,
  ): number;
  invalidDenseRow(): number;
  /** Sigmoid focal loss per element (alpha < 0: no class balancing); returns the pairwise sum. */
  binaryLoss(
    x: Float64Array, y: Float64Array, n: number, alpha: number, gamma: number, epsilon: number,
    fromLogits: boolean, out: Float64Array,
  ): number;
  /** out[i] *= weights[i]; returns the pairwise sum of the weighted values. */
  applyWeights(out: Float64Array, weights: Float64Array, n: number): number;
  /** Copies labels as gather does, for logit rows that the kernel reads whole. */
  checkLabels(
    labels: Int32Array, n: number, classes: number, ignore: number, hasIgnore: boolean, labelsOut: Int32Array,
  ): number;
}
