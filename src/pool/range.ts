// One pool task: focalLoss's or binaryFocalLoss's pipeline (plan, frame, chunk loop) over a
// range of rows of a batch, returning the raw compensated totals instead of a reduced loss.
// Workers run it on their slice; the main thread runs it over no rows (the cheap checks a
// one-shot call makes before reading any row) and over one chunk (to re-create a worker's
// error with the batch's own, global, row numbers). Nothing here may import the loader: the
// worker script must not carry the inlined kernel.
import type { KernelInstance } from '../backend/instance.js';
import { COUNT, SUM, SUM_CARRY, WEIGHT_CARRY, WEIGHT_SUM } from '../kernels/frame.js';
import type { BinaryFocalLossSettings } from '../options/binary-focal-loss-options.js';
import type { FocalLossSettings } from '../options/focal-loss-options.js';
import { binaryFocalLossFrame, focalLossFrame, makeFrame } from '../pipeline/frame.js';
import { binaryFocalLossPlan, focalLossPlan } from '../pipeline/plan.js';
import { runPlan } from '../pipeline/run.js';
import { checkWeightCount } from '../pipeline/sample-weights.js';
import type { Batch } from '../shape.js';

export type LossName = 'focalLoss' | 'binaryFocalLoss';
export type Settings = FocalLossSettings | BinaryFocalLossSettings;

/** What rows [from, to) add up to: Σ w·loss and Σ w with their Neumaier carries, and the counted samples. */
export interface Partial {
  sum: number;
  sumCarry: number;
  count: number;
  weightSum: number;
  weightCarry: number;
}

/** An error thrown while the chunk starting at row `start` was read or computed. */
export class ChunkError {
  constructor(
    readonly start: number,
    readonly error: unknown,
  ) {}
}

/**
 * Runs the loss over rows [from, to) of `batch` (`from` on a chunk boundary), with the checks
 * and chunking of the one-shot call, so each chunk sees exactly what it would see there.
 * `losses`, if given, receives the per-sample (binary: per-element) losses of those rows.
 * Errors raised inside the loop are wrapped in a ChunkError naming their chunk.
 */
export function runRange(
  instance: KernelInstance, loss: LossName, s: Settings, batch: Batch, from: number, to: number, losses: Float64Array | null,
): Partial {
  const { fn, sampleWeight } = s;
  const needs = { losses: losses !== null, grad: false, perClass: false };
  // In the one-shot call's order: the plan, then the weights' count, then the frame.
  const [plan, settings] = loss === 'binaryFocalLoss'
    ? [binaryFocalLossPlan(batch, s as BinaryFocalLossSettings, instance, needs), binaryFocalLossFrame(batch, s as BinaryFocalLossSettings, false)]
    : [focalLossPlan(batch, s as FocalLossSettings, instance, needs), focalLossFrame(batch, s as FocalLossSettings, false)];
  checkWeightCount(fn, sampleWeight, batch.n);
  const frame = makeFrame(fn, instance, plan.classes, {
    ...settings,
    ignore: plan.ignore,
    hasIgnore: plan.hasIgnore,
    gradScale: 1,
    sampleWeights: sampleWeight !== undefined,
    grad: false,
  });
  const weights = sampleWeight === undefined ? null : { fn, values: sampleWeight.values };
  const width = loss === 'binaryFocalLoss' ? plan.classes : 1;
  for (let start = from; start < to; start += plan.step) {
    const end = Math.min(start + plan.step, to);
    const out = { losses: losses === null ? null : losses.subarray((start - from) * width, (end - from) * width), grad: null };
    try {
      runPlan(instance, plan, frame, weights, out, start, end);
    } catch (error) {
      throw new ChunkError(start, error);
    }
  }
  const p = frame.params;
  return { sum: p[SUM], sumCarry: p[SUM_CARRY], count: p[COUNT], weightSum: p[WEIGHT_SUM], weightCarry: p[WEIGHT_CARRY] };
}
