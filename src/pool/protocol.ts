// The messages between a pool and its workers (types only: nothing of this file reaches the bundle).
import type { LossName } from '../options/loss-names.js';
import type { DiagnosticsPart, TallyData } from '../pipeline/diagnostics.js';
import type { LossSettings } from '../pipeline/loss-spec.js';
import type { Totals } from '../pipeline/reduce.js';
import type { Batch } from '../shape.js';

/** Main → worker, once, first: the compiled kernel (null: the worker runs the JS kernels). */
export interface InitMessage {
  type: 'init';
  module: WebAssembly.Module | null;
}

/** Main → worker: one part of a call's rows, with row numbers local to the part. */
export interface RunMessage {
  type: 'run';
  id: number;
  /** The loss by name (its spec is the worker's own); settings without gradOut. */
  loss: LossName;
  settings: LossSettings;
  /** The part as a batch of its own; its layout arrives as plain data. */
  batch: Batch;
  /** focalLoss's target rows packed into one typed array: their width (the worker views them row by row), or 0. */
  targetRows: number;
  /** The power of two the call's sample weights are scaled by ('weightedMean': from all the weights, so every part scales alike). */
  weightExponent: number;
  /** Where to write each row's (element's) loss, for reduction 'none'; returned with the result. */
  losses: ArrayBuffer | null;
  /** Where to write the part's gradient (f32: as float32), with the scale the kernels apply; returned with the result. */
  grad: { buffer: ArrayBuffer; f32: boolean; scale: number } | null;
  /** An accumulator's update: per-class sums, and its diagnostics (the part's first row in the data set). */
  perClass: boolean;
  diagnostics: DiagnosticsPart | null;
}

/** Worker → main, after init: whether its wasm kernel instantiated. */
export interface ReadyMessage {
  type: 'ready';
  wasm: boolean;
  reason?: string;
}

export interface DoneMessage {
  type: 'done';
  id: number;
  totals: Totals;
  losses: ArrayBuffer | null;
  grad: ArrayBuffer | null;
  perClass: Float64Array | null;
  diagnostics: TallyData | null;
  /** The buffers the part's copies came in, returned for the next part. */
  spare: ArrayBuffer[];
}

/** A part failed: `chunk` is the (part-local) first row of the chunk that failed, or -1 before any row. */
export interface FailedMessage {
  type: 'failed';
  id: number;
  chunk: number;
  name: string;
  message: string;
  spare: ArrayBuffer[];
}

/**
 * Test-only; the pool never sends it. A test posts it (through the workers' symbol) to hold the
 * worker's next part: the part stores 1 in flag[0], wakes the test and waits until the test
 * stores another value, so the test acts while a call is certainly in flight, with no timer.
 */
export interface HoldMessage {
  type: 'hold';
  flag: Int32Array;
}

export type ToWorker = InitMessage | RunMessage | HoldMessage;
export type FromWorker = ReadyMessage | DoneMessage | FailedMessage;
