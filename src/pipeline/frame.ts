import type { KernelInstance } from '../backend/instance.js';
import {
  CLASS_WEIGHT_STRIDE, EPSILON, FROM_LOGITS, GRAD_SCALE, HAS_IGNORE, IGNORE_INDEX, LOG_EPSILON, LOG_ONE_MINUS_EPSILON, type Frame,
} from '../kernels/frame.js';
import type { LossFrame } from './loss-spec.js';

/** What a call sets in its frame besides the loss's own parameters. */
export interface CallSettings {
  fromLogits: boolean;
  /** The ignore rule of the labels the plan hands the kernels. */
  ignore: number;
  hasIgnore: boolean;
  gradScale: number;
  sampleWeights: boolean;
  perClass: boolean;
  /** A gradient call: the kernels get a scratch row (reserved with the gradient buffer). */
  grad: boolean;
}

/** The frame of a call on `instance`, in its chunk buffers (reserved by the plan), totals at 0. */
export function makeFrame(instance: KernelInstance, classes: number, loss: LossFrame, call: CallSettings): Frame {
  const scratch = instance.scratch;
  const params = scratch.frame();
  params.fill(0);
  params[EPSILON] = loss.epsilon;
  params[LOG_EPSILON] = Math.log(loss.epsilon);
  params[LOG_ONE_MINUS_EPSILON] = Math.log1p(-loss.epsilon);
  for (const [slot, value] of loss.slots) params[slot] = value;
  params[GRAD_SCALE] = call.gradScale;
  params[IGNORE_INDEX] = call.ignore;
  params[HAS_IGNORE] = call.hasIgnore ? 1 : 0;
  params[FROM_LOGITS] = call.fromLogits ? 1 : 0;
  const classWeights = scratch.classWeights();
  if (loss.classWeights instanceof Float64Array) {
    classWeights.set(loss.classWeights);
    params[CLASS_WEIGHT_STRIDE] = 1;
  } else {
    classWeights[0] = loss.classWeights ?? 1;
  }
  const perClass = call.perClass ? scratch.perClass(classes).fill(0) : null;
  const rowScratch = call.grad ? scratch.f64('row') : null;
  return { params, classWeights, sampleWeights: call.sampleWeights ? scratch.sampleWeights() : null, losses: null, perClass, rowScratch, stats: null };
}
