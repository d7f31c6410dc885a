import type { KernelExports } from '../generated/kernel-exports.js';
import { sumError } from './math/sum.js';

// The host's side of a kernel call's frame (assembly/frame.ts holds the same slot numbers):
// the parameters written before a call and the running totals the kernels add to. The wasm
// kernels find the buffers through the pointer slots; the JS kernels get them as views.

/** The slot layout below; a kernel reporting another one (frameLayout()) is not used. */
export const FRAME_LAYOUT = 2;

export const GAMMA = 0;
export const EPSILON = 1;
export const LOG_EPSILON = 2;
export const LOG_ONE_MINUS_EPSILON = 3;
export const BINARY_ALPHA = 4;
export const SMOOTHING = 5;
export const GRAD_SCALE = 6;
export const IGNORE_INDEX = 7;
export const HAS_IGNORE = 8;
export const PRED_F32 = 9;
export const GRAD_F32 = 10;
export const FROM_LOGITS = 11;
export const CLASS_WEIGHTS = 12;
export const CLASS_WEIGHT_STRIDE = 13;
export const SAMPLE_WEIGHTS = 14;
export const LOSSES = 15;
export const PER_CLASS = 16;
export const SUM = 17;
export const SUM_CARRY = 18;
export const COUNT = 19;
export const WEIGHT_SUM = 20;
export const WEIGHT_CARRY = 21;
export const ROW_SCRATCH = 22;
export const POLY1 = 23;
export const GAMMA_NEG = 24;
export const MARGIN = 25;
export const FRAME_SLOTS = 26;
/** Bytes of a frame in wasm memory: the slots and the kernels' vector area (assembly/frame.ts). */
export const FRAME_BYTES = 368;

/** Rows summed plainly before their block is added to the totals with compensation. */
export const BLOCK = 1024;

/** Per class (binary: per column): loss sum, its carry, count, weight sum. */
export const PER_CLASS_SLOTS = 4;

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
}

/**
 * The kernels by name, as the wasm build declares its exports (assembly/index.ts): each
 * kind's loss and its gradient twin. The JS kernels must provide the same set.
 */
export type KernelName = Exclude<keyof typeof KernelExports, 'memory' | 'heapBase' | 'usesSimd' | 'frameLayout'>;

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
