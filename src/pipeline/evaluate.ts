import type { KernelInstance } from '../backend/instance.js';
import { entry, fail } from '../errors/detail.js';
import type { Values } from '../kernels/frame.js';
import type { LossFrame, LossSettings, LossSpec } from './loss-spec.js';
import { allocate } from '../options/read.js';
import type { Batch } from '../shape.js';
import { makeFrame } from './frame.js';
import { finishGradient, gradientScale, type GradientScale } from './gradient-scale.js';
import type { Needs } from './plan.js';
import { reduce, totalsOf, type Totals } from './reduce.js';
import { runPlan, type ChunkObserver, type Job, type Outputs } from './run.js';
import { weightExponent as exponentOf, weightRepeat } from './sample-weights.js';

/** A loss with its gradient with respect to yPred (in yPred's layout). */
export interface LossAndGradient<L extends number | Float64Array = number, G extends Values = Values> {
  loss: L;
  grad: G;
}

/** A job with what its frame needs: the loss's parameters and the call's. */
export interface PreparedJob extends Job {
  readonly settings: LossSettings;
  readonly frame: LossFrame;
  readonly needs: Needs;
  /** What 'mean' divides by when nothing is ignored: the samples (elements, for element-wise losses). */
  readonly samples: number;
}

/**
 * Everything a call checks and settles before it reads a row, in the one-shot call's order:
 * the plan (and its chunk buffers), the weights' count and scale, the class weights against C.
 * `epsilon` overrides the options' (an accumulator keeps the one its first chunk settled);
 * `weightExponent` the power of two the weights are scaled by (a pool part uses the whole
 * call's; by default 'weightedMean' reads it from the weights, other reductions use 0).
 */
export function prepare(
  spec: LossSpec, s: LossSettings, batch: Batch, instance: KernelInstance, needs: Needs, epsilon?: number,
  weightExponent?: number,
): PreparedJob {
  const plan = spec.plan(batch, s, instance, needs);
  const repeat = weightRepeat(s.fn, s.sampleWeight, batch.n, batch.images);
  const frame = spec.frame(batch, s);
  if (epsilon !== undefined) frame.epsilon = epsilon;
  const alpha = frame.classWeights;
  if (alpha instanceof Float64Array && alpha.length !== batch.classes) {
    throw fail(RangeError, s.fn)`${entry('alpha')} has ${alpha.length} weights but the batch has ${batch.classes} classes`;
  }
  const weights = s.sampleWeight;
  const elements = spec.reduces === 'elements';
  return {
    instance,
    plan,
    layout: batch.layout,
    settings: s,
    frame,
    needs,
    elements,
    samples: batch.n * (elements ? batch.classes : 1),
    sampleWeights: weights === undefined
      ? null
      : { fn: s.fn, values: weights.values, exponent: weightExponent ?? (s.reduction === 'weightedMean' ? exponentOf(s.fn, weights) : 0), repeat },
  };
}

/** What rows of a job added up to, and per class (binary: per column) sums if the job keeps them. */
export interface RangeResult {
  totals: Totals;
  perClass: Float64Array | null;
}

/**
 * Runs rows [from, to) of a prepared job with the given gradient scale: the one range
 * evaluator behind one-shot calls, workspaces, accumulators and the pool's workers. `out`
 * receives those rows' per-sample losses and gradient, indexed from `from`.
 */
export function evaluateRange(job: PreparedJob, from: number, to: number, out: Outputs, gradScale: number): RangeResult {
  const { plan, instance } = job;
  const frame = makeFrame(instance, plan.classes, job.frame, {
    fromLogits: job.settings.fromLogits,
    ignore: plan.ignore,
    hasIgnore: plan.hasIgnore,
    gradScale,
    sampleWeights: job.sampleWeights !== null,
    perClass: job.needs.perClass,
    grad: out.grad !== null,
  });
  runPlan(job, frame, out, from, to);
  return { totals: totalsOf(frame.params), perClass: frame.perClass === null ? null : frame.perClass.slice() };
}

export interface Evaluation extends RangeResult {
  /** The reduced loss, or each sample's (element's) loss for reduction 'none'. */
  loss: number | Float64Array;
}

/** A whole batch on one thread: its rows, the reduction, and the gradient's exact scale (`observe`: see Outputs). */
export function evaluate(job: PreparedJob, grad: Values | null, observe?: ChunkObserver): Evaluation {
  const { fn, reduction, normalizer } = job.settings;
  const losses = reduction === 'none' ? allocate(fn, 'per-sample losses (one per sample of yTrue)', job.samples) : null;
  const scale: GradientScale = gradientScale(reduction, normalizer, job.samples);
  const n = job.plan.n;
  let result = evaluateRange(job, 0, n, { losses, grad, observe }, scale.provisional);
  const correction = grad === null ? null : scale.correction(result.totals);
  const exact = correction === null ? null : finishGradient(grad!, correction, scale.provisional);
  if (exact !== null) result = evaluateRange(job, 0, n, { losses, grad }, exact);
  return { ...result, loss: losses ?? reduce(result.totals, reduction as Exclude<typeof reduction, 'none'>, normalizer) };
}
