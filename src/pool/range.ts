// One pool task: focalLoss's or binaryFocalLoss's pipeline (plan, frame, chunk loop) over a
// range of rows of a batch, returning the raw compensated totals instead of a reduced loss.
// Workers run it on their slice; the main thread runs it over no rows (the cheap checks a
// one-shot call makes before reading any row) and over one chunk (to re-create a worker's
// error with the batch's own, global, row numbers). Nothing here may import the loader: the
// worker script must not carry the inlined kernel.
import type { KernelInstance } from '../backend/instance.js';
import type { KernelName } from '../kernels/frame.js';
import { COUNT, SUM, SUM_CARRY, WEIGHT_CARRY, WEIGHT_SUM } from '../kernels/frame.js';
import type { BinaryFocalLossSettings } from '../options/binary-focal-loss-options.js';
import { epsilonFor } from '../options/common.js';
import type { FocalLossSettings } from '../options/focal-loss-options.js';
import { lengthOf } from '../options/read.js';
import { makeFrame } from '../pipeline/frame.js';
import { binaryFocalLossPlan, focalLossPlan } from '../pipeline/plan.js';
import { copySampleWeights } from '../pipeline/sample-weights.js';
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
  const binary = loss === 'binaryFocalLoss';
  // In the one-shot call's order: the plan, then the weights' count, then the frame.
  const plan = binary
    ? binaryFocalLossPlan(batch, s as BinaryFocalLossSettings, instance, needs)
    : focalLossPlan(batch, s as FocalLossSettings, instance, needs);
  if (sampleWeight !== undefined && lengthOf(fn, 'sampleWeight', sampleWeight) !== batch.n) {
    throw new RangeError(`${fn}: sampleWeight has ${sampleWeight.length} weights but the batch has ${batch.n} samples`);
  }
  const frame = makeFrame(fn, instance, plan.classes, {
    gamma: s.gamma,
    epsilon: epsilonFor(s.epsilon, batch.f32),
    smoothing: !binary && batch.trueRows ? 0 : s.labelSmoothing,
    fromLogits: s.fromLogits,
    alpha: binary ? undefined : (s as FocalLossSettings).alpha,
    binaryAlpha: binary ? (s as BinaryFocalLossSettings).alpha : -1,
    perClass: false,
    ignore: plan.ignore,
    hasIgnore: plan.hasIgnore,
    gradScale: 1,
    sampleWeights: sampleWeight !== undefined,
  });
  const kernel = `${plan.kind}Loss` as KernelName;
  const { classes, step } = plan;
  const width = binary ? classes : 1;
  const buffer = losses !== null && !instance.reads(losses) ? instance.scratch.f64('losses') : null;
  for (let start = from; start < to; start += step) {
    const m = Math.min(step, to - start);
    try {
      const [pred, target] = plan.fill(start, m);
      if (sampleWeight !== undefined) copySampleWeights(fn, sampleWeight, start, m, frame.sampleWeights!);
      if (losses !== null) frame.losses = buffer ?? losses.subarray((start - from) * width, (start - from + m) * width);
      const bad = instance.call(kernel, frame, pred, target, m, classes, null);
      if (bad >= 0) throw plan.explain(start + bad);
      if (buffer !== null) losses!.set(buffer.subarray(0, m * width), (start - from) * width);
    } catch (error) {
      throw new ChunkError(start, error);
    }
  }
  const p = frame.params;
  return { sum: p[SUM], sumCarry: p[SUM_CARRY], count: p[COUNT], weightSum: p[WEIGHT_SUM], weightCarry: p[WEIGHT_CARRY] };
}
