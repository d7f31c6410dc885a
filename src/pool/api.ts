// The pool's public types: its options, what info() reports, and its calls (pool.ts implements them).
import type { BinaryValues } from '../binary-focal-loss.js';
import type { Predictions, Targets } from '../focal-loss.js';
import type { AsymmetricLossGradOptions, AsymmetricLossOptions } from '../options/asymmetric-loss-options.js';
import type { BinaryFocalLossGradOptions, BinaryFocalLossOptions } from '../options/binary-focal-loss-options.js';
import type { PerSample } from '../options/common.js';
import type { FocalLossGradOptions, FocalLossOptions } from '../options/focal-loss-options.js';
import type { LossAndGradient } from '../pipeline/evaluate.js';
import type { Threads } from './threads.js';

/** Options of {@link createFocalLossPool}. */
export interface FocalLossPoolOptions {
  /**
   * How many workers, from 1 to 256; default: the available parallelism (Node) or
   * navigator.hardwareConcurrency, at most 256. The limit is a fixed number, not a multiple of
   * the cores, so that a pool sized on one machine is not refused on a smaller one; it is far
   * above the core count of common hardware (more workers than cores add no speed: each one
   * computes, none waits), and it bounds what a mistaken count costs, since each worker is a
   * thread with its own JavaScript heap and kernel instance (about 10 MB in Node). Above it:
   * a RangeError.
   */
  workers?: number;
  /** The kernel the workers instantiate; default: the inlined one, compiled once (asynchronously) on this thread. */
  module?: WebAssembly.Module;
}

/** Where a pool's calls run. */
export interface FocalLossPoolInfo {
  /** Worker threads in use (0 on the calling thread). */
  workers: number;
  threads: Threads;
  /** Why the pool runs on the calling thread, when it does. */
  reason?: string;
  /** Whether typed arrays on a SharedArrayBuffer are read in place (false: copied, as other inputs are). */
  sharedMemory: boolean;
  /** The workers' kernels for backend 'auto', once they have started (on the calling thread: backendInfo()'s). */
  backend?: 'wasm' | 'js';
  /** Why the workers have no wasm kernel, if they have not. */
  backendReason?: string;
  /** Present once close() was called: no worker runs (`workers` is 0) and every call rejects. `threads` is the kind the pool used. */
  closed?: true;
}

/**
 * The losses and their gradients on worker threads: the same arguments, results and errors
 * as the one-shot calls, as promises.
 */
export interface FocalLossPool {
  focalLoss(yTrue: Targets, yPred: Predictions, options: PerSample<FocalLossOptions>): Promise<Float64Array>;
  focalLoss(yTrue: Targets, yPred: Predictions, options?: FocalLossOptions): Promise<number>;
  focalLoss(yTrue: Targets, yPred: Predictions, gamma?: number, alpha?: number | ArrayLike<number>): Promise<number>;
  /** As {@link focalLossGrad}: `grad` is gradOut when given (typed as it is), else a new Float64Array. */
  focalLossGrad(
    yTrue: Targets, yPred: Predictions, options: PerSample<FocalLossGradOptions> & { gradOut: Float32Array },
  ): Promise<LossAndGradient<Float64Array, Float32Array>>;
  focalLossGrad(
    yTrue: Targets, yPred: Predictions, options: PerSample<FocalLossGradOptions> & { gradOut?: Float64Array },
  ): Promise<LossAndGradient<Float64Array, Float64Array>>;
  focalLossGrad(yTrue: Targets, yPred: Predictions, options: PerSample<FocalLossGradOptions>): Promise<LossAndGradient<Float64Array>>;
  focalLossGrad(
    yTrue: Targets, yPred: Predictions, options: FocalLossGradOptions & { gradOut: Float32Array },
  ): Promise<LossAndGradient<number, Float32Array>>;
  focalLossGrad(
    yTrue: Targets, yPred: Predictions, options?: FocalLossGradOptions & { gradOut?: Float64Array },
  ): Promise<LossAndGradient<number, Float64Array>>;
  focalLossGrad(yTrue: Targets, yPred: Predictions, options?: FocalLossGradOptions): Promise<LossAndGradient>;
  binaryFocalLoss(yTrue: BinaryValues, yPred: BinaryValues, options: PerSample<BinaryFocalLossOptions>): Promise<Float64Array>;
  binaryFocalLoss(yTrue: BinaryValues, yPred: BinaryValues, options?: BinaryFocalLossOptions): Promise<number>;
  /** As {@link binaryFocalLossGrad}. */
  binaryFocalLossGrad(
    yTrue: BinaryValues, yPred: BinaryValues, options: PerSample<BinaryFocalLossGradOptions> & { gradOut: Float32Array },
  ): Promise<LossAndGradient<Float64Array, Float32Array>>;
  binaryFocalLossGrad(
    yTrue: BinaryValues, yPred: BinaryValues, options: PerSample<BinaryFocalLossGradOptions> & { gradOut?: Float64Array },
  ): Promise<LossAndGradient<Float64Array, Float64Array>>;
  binaryFocalLossGrad(
    yTrue: BinaryValues, yPred: BinaryValues, options: PerSample<BinaryFocalLossGradOptions>,
  ): Promise<LossAndGradient<Float64Array>>;
  binaryFocalLossGrad(
    yTrue: BinaryValues, yPred: BinaryValues, options: BinaryFocalLossGradOptions & { gradOut: Float32Array },
  ): Promise<LossAndGradient<number, Float32Array>>;
  binaryFocalLossGrad(
    yTrue: BinaryValues, yPred: BinaryValues, options?: BinaryFocalLossGradOptions & { gradOut?: Float64Array },
  ): Promise<LossAndGradient<number, Float64Array>>;
  binaryFocalLossGrad(yTrue: BinaryValues, yPred: BinaryValues, options?: BinaryFocalLossGradOptions): Promise<LossAndGradient>;
  /** As {@link asymmetricLoss}. */
  asymmetricLoss(yTrue: BinaryValues, yPred: BinaryValues, options: PerSample<AsymmetricLossOptions>): Promise<Float64Array>;
  asymmetricLoss(yTrue: BinaryValues, yPred: BinaryValues, options?: AsymmetricLossOptions): Promise<number>;
  /** As {@link asymmetricLossGrad}. */
  asymmetricLossGrad(
    yTrue: BinaryValues, yPred: BinaryValues, options: PerSample<AsymmetricLossGradOptions> & { gradOut: Float32Array },
  ): Promise<LossAndGradient<Float64Array, Float32Array>>;
  asymmetricLossGrad(
    yTrue: BinaryValues, yPred: BinaryValues, options: PerSample<AsymmetricLossGradOptions> & { gradOut?: Float64Array },
  ): Promise<LossAndGradient<Float64Array, Float64Array>>;
  asymmetricLossGrad(
    yTrue: BinaryValues, yPred: BinaryValues, options: PerSample<AsymmetricLossGradOptions>,
  ): Promise<LossAndGradient<Float64Array>>;
  asymmetricLossGrad(
    yTrue: BinaryValues, yPred: BinaryValues, options: AsymmetricLossGradOptions & { gradOut: Float32Array },
  ): Promise<LossAndGradient<number, Float32Array>>;
  asymmetricLossGrad(
    yTrue: BinaryValues, yPred: BinaryValues, options?: AsymmetricLossGradOptions & { gradOut?: Float64Array },
  ): Promise<LossAndGradient<number, Float64Array>>;
  asymmetricLossGrad(yTrue: BinaryValues, yPred: BinaryValues, options?: AsymmetricLossGradOptions): Promise<LossAndGradient>;
  /** Where calls run now (before the workers have started: where they are meant to run; after close(): nowhere). */
  info(): FocalLossPoolInfo;
  /**
   * Starts the workers if no call has (creating a pool starts none), and resolves once they
   * have started, or the pool has fallen back to the calling thread, or has been closed.
   */
  ready(): Promise<FocalLossPoolInfo>;
  /** Terminates the workers; later calls reject. */
  close(): Promise<void>;
}
