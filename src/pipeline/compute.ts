import { selectInstance } from '../backend/loader.js';
import type { Values } from '../kernels/frame.js';
import type { LossSettings, LossSpec } from './loss-spec.js';
import { describeBatch, type Batch } from '../shape.js';
import { evaluate, type Evaluation, type LossAndGradient } from './evaluate.js';
import { gradientOutput } from './gradient-output.js';
import { prepareCall } from './own-views.js';
import type { ChunkObserver } from './run.js';

/**
 * A loss over a batch, start to end, on this thread: the kernel instance the options choose,
 * held for this call alone; the job; the reduction. `perClass` adds per-class sums; `epsilon`
 * overrides the options' (an accumulator keeps the one its first chunk settled); `observe`
 * reads each chunk (an accumulator's diagnostics). Returns the gradient it wrote: `grad`, or
 * the same view taken again if `grad` was a view of wasm memory that the call grew.
 */
export function computeLoss(
  spec: LossSpec, s: LossSettings, batch: Batch, grad: Values | null, perClass = false, epsilon?: number, weightExponent?: number,
  observe?: ChunkObserver,
): Evaluation & { grad: Values | null } {
  const instance = selectInstance(s.backend, s.fn);
  return instance.exclusive(s.fn, () => {
    const needs = { losses: s.reduction === 'none', grad: grad !== null, perClass, diagnostics: observe !== undefined };
    const call = prepareCall(spec, s, batch, grad, instance, needs, epsilon, weightExponent);
    return { ...evaluate(call.job, call.grad, observe), grad: call.grad };
  });
}

/** What a one-shot call returns: the loss, and the gradient when asked for. */
export function lossOf(spec: LossSpec, s: LossSettings, yTrue: unknown, yPred: unknown): number | Float64Array {
  return computeLoss(spec, s, describeBatch(s.fn, yTrue, yPred, s, spec.reduces === 'elements'), null).loss;
}

export function lossAndGradOf(spec: LossSpec, s: LossSettings, yTrue: unknown, yPred: unknown): LossAndGradient<number | Float64Array> {
  const batch = describeBatch(s.fn, yTrue, yPred, s, spec.reduces === 'elements');
  const { loss, grad } = computeLoss(spec, s, batch, gradientOutput(s, batch));
  return { loss, grad: grad! };
}
