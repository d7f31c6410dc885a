import type { KernelInstance } from '../backend/instance.js';
import type { Values } from '../kernels/frame.js';
import type { CommonSettings } from '../options/common.js';
import { allocate } from '../options/read.js';
import { makeFrame, type LossFrameSettings } from './frame.js';
import { gradientCorrection, provisionalScale, reduce, totalsOf, type Totals } from './reduce.js';
import { runPlan, type Plan } from './run.js';
import { checkWeightCount } from './sample-weights.js';

/** A loss with its gradient with respect to yPred (row-major, yPred's size). */
export interface LossAndGradient<L extends number | Float64Array = number, G extends Values = Values> {
  loss: L;
  grad: G;
}

export interface Evaluation {
  /** The reduced loss, or each sample's (binary: element's) loss for reduction 'none'. */
  loss: number | Float64Array;
  grad: Values | null;
  totals: Totals;
  /** Per class (binary: per column) loss sums with their carries, counts and weight sums, if asked for. */
  perClass: Float64Array | null;
}

/** Runs a plan to its result: frame, chunks, reduction, and the gradient's final scale. */
export function evaluate(
  instance: KernelInstance, plan: Plan, s: CommonSettings, frame: LossFrameSettings,
  grad: Values | null,
): Evaluation {
  const { fn, reduction, normalizer, sampleWeight } = s;
  checkWeightCount(fn, sampleWeight, plan.n);
  const samples = plan.n * (plan.kind === 'binary' ? plan.classes : 1);
  const losses = reduction === 'none' ? allocate(fn, 'per-sample losses (one per sample of yTrue)', samples) : null;
  const pass = (gradScale: number) => {
    const callFrame = makeFrame(fn, instance, plan.classes, {
      ...frame,
      ignore: plan.ignore,
      hasIgnore: plan.hasIgnore,
      gradScale,
      sampleWeights: sampleWeight !== undefined,
      grad: grad !== null,
    });
    runPlan(instance, plan, callFrame, sampleWeight === undefined ? null : { fn, values: sampleWeight.values }, { losses, grad });
    return callFrame;
  };
  const provisional = provisionalScale(reduction, normalizer, samples);
  let callFrame = pass(provisional);
  const totals = totalsOf(callFrame);
  const correction = grad === null ? null : gradientCorrection(totals, reduction, normalizer, samples);
  if (correction !== null) {
    const [numerator, denominator] = correction;
    const exact = (provisional * numerator) / denominator;
    // A float32 gradient rescaled after rounding would be rounded twice: compute it again
    // with the scale now known instead (only 'weightedMean', or 'mean' with ignored samples).
    if (denominator === 0) grad!.fill(0);
    else if (grad instanceof Float32Array && Number.isFinite(exact)) callFrame = pass(exact);
    else for (let k = 0; k < grad!.length; k++) grad![k] = (grad![k] * numerator) / denominator;
  }
  return {
    loss: losses ?? reduce(totals, reduction as Exclude<typeof reduction, 'none'>, normalizer),
    grad,
    totals,
    perClass: callFrame.perClass === null ? null : callFrame.perClass.slice(),
  };
}

/** The caller's gradOut, checked, or a fresh Float64Array. */
export function gradientOutput(fn: string, gradOut: Values | undefined, length: number, yPred: unknown): Values {
  if (gradOut === undefined) return allocate(fn, 'gradient (one value per entry of yPred)', length);
  if (gradOut.length !== length) {
    throw new RangeError(`${fn}: gradOut has ${gradOut.length} values but yPred has ${length}`);
  }
  if (ArrayBuffer.isView(yPred) && yPred.buffer === gradOut.buffer &&
    gradOut.byteOffset < yPred.byteOffset + yPred.byteLength && yPred.byteOffset < gradOut.byteOffset + gradOut.byteLength) {
    throw new RangeError(`${fn}: gradOut must not share memory with yPred`);
  }
  return gradOut;
}
