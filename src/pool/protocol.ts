// The messages between a pool and its workers (types only: nothing of this file reaches the bundle).
import type { Batch } from '../shape.js';
import type { LossName, Partial, Settings } from './range.js';

/** Main → worker, once, first: the compiled kernel (null: the worker runs the JS kernels). */
export interface InitMessage {
  type: 'init';
  module: WebAssembly.Module | null;
}

/** Main → worker: one slice of a call's rows, with row numbers local to the slice. */
export interface RunMessage {
  type: 'run';
  id: number;
  loss: LossName;
  settings: Settings;
  batch: Batch;
  /** focalLoss's target rows packed into one typed array: their width (the worker views them row by row), or 0. */
  targetRows: number;
  /** Where to write each row's (binary: element's) loss, for reduction 'none'; returned with the result. */
  losses: ArrayBuffer | null;
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
  partial: Partial;
  losses: ArrayBuffer | null;
  /** The buffers the part's copies came in, returned for the next part. */
  spare: ArrayBuffer[];
}

/** A slice failed: `chunk` is the (slice-local) first row of the chunk that failed, or -1 before any row. */
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
