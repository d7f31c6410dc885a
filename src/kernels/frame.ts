import type { KernelExports } from '../generated/kernel-exports.js';
import { COUNT, PER_CLASS_SLOTS, SUM, WEIGHT_SUM } from '../generated/frame.js';
import { sumError } from './math/sum.js';

// The host's side of a kernel call's frame: the parameters written before a call and the
// running totals the kernels add to. The slot numbers come from assembly/frame.ts, copied by
// the build into src/generated/frame.ts. The wasm kernels find the buffers through the
// pointer slots; the JS kernels get them as views.
export * from '../generated/frame.js';

export type Values = Float64Array | Float32Array;

/** One call's parameters, totals and the buffers the kernels read and write besides pred/target. */
export interface Frame {
  readonly params: Float64Array;
  /** One weight per class (or one for all, with CLASS_WEIGHT_STRIDE 0). */
  readonly classWeights: Float64Array;
  /** One weight per row of the chunk, or null. */
  sampleWeights: Float64Array | null;
  /** Each row's (binary: element's) weighted loss, or null. */
  losses: Float64Array | null;
  /** PER_CLASS_SLOTS per class, or null. */
  readonly perClass: Float64Array | null;
  /** One row of f64 values the wasm kernels may use between passes over a row, or null. */
  readonly rowScratch: Float64Array | null;
  /** STATS_SLOTS values per row, which the logits kernels write for an accumulator's diagnostics; or null. */
  stats: Float64Array | null;
}

/**
 * The kernels by name, as the wasm build declares its exports (assembly/index.ts): each
 * kind's loss and its gradient twin. The JS kernels must provide the same set.
 */
export type KernelName = Exclude<keyof typeof KernelExports, 'memory' | 'heapBase' | 'usesSimd' | 'frameLayout' | 'transposeF32' | 'transposeF64'>;

/** What a kernel reads as its target: class indices, target rows or binary targets. */
export type Targets = Int32Array | Values | ArrayLike<number>;

/**
 * The JS kernels' signature, the wasm exports' over views: returns -1, or the first row whose
 * input is invalid. grad is null for the loss kernels.
 */
export type JsKernel = (
  frame: Frame, pred: ArrayLike<number>, target: Targets, n: number, classes: number, grad: Values | null,
) => number;

/** Neumaier's compensated addition of x to the (sum, carry) pair at params[at], params[at + 1]. */
export function addCompensated(params: Float64Array, at: number, x: number): void {
  const sum = params[at];
  const t = sum + x;
  params[at + 1] += sumError(sum, x, t);
  params[at] = t;
}

/** Adds a block's results to the running totals. */
export function addBlock(params: Float64Array, sum: number, counted: number, weightSum: number): void {
  addCompensated(params, SUM, sum);
  params[COUNT] += counted;
  addCompensated(params, WEIGHT_SUM, weightSum);
}

/** Adds one counted sample's weighted loss and weight to its class's slots. */
export function addToClass(perClass: Float64Array, c: number, loss: number, weight: number): void {
  const at = c * PER_CLASS_SLOTS;
  addCompensated(perClass, at, loss);
  perClass[at + 2] += 1;
  perClass[at + 3] += weight;
}
