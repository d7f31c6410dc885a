import type { KernelInstance } from '../backend/instance.js';
import type { BinaryFocalLossSettings } from '../options/binary-focal-loss-options.js';
import { epsilonFor } from '../options/common.js';
import type { FocalLossSettings } from '../options/focal-loss-options.js';
import type { Batch } from '../shape.js';
import {
  BINARY_ALPHA, CLASS_WEIGHT_STRIDE, EPSILON, FROM_LOGITS, GAMMA, GRAD_SCALE, HAS_IGNORE, IGNORE_INDEX, LOG_EPSILON,
  LOG_ONE_MINUS_EPSILON, POLY1, SMOOTHING, type Frame,
} from '../kernels/frame.js';

/** Everything a call's frame holds but the buffers. */
export interface FrameSettings {
  gamma: number;
  epsilon: number;
  /** Label smoothing the kernel applies to class indices (0 when targets arrive smoothed). */
  smoothing: number;
  fromLogits: boolean;
  /** Class weights: none, one for all, or one per class (checked against `classes`). */
  alpha: number | Float64Array | undefined;
  /** binaryFocalLoss's alpha, or -1. */
  binaryAlpha: number;
  /** Poly-1's epsilon (0: none). */
  poly1: number;
  ignore: number;
  hasIgnore: boolean;
  gradScale: number;
  sampleWeights: boolean;
  perClass: boolean;
  /** A gradient call: the kernels get a scratch row (reserved with the gradient buffer). */
  grad: boolean;
}

/** The frame of a call on `instance`, in its chunk buffers (reserved by the plan), totals at 0. */
export function makeFrame(fn: string, instance: KernelInstance, classes: number, s: FrameSettings): Frame {
  const scratch = instance.scratch;
  const params = scratch.frame();
  params.fill(0);
  params[GAMMA] = s.gamma;
  params[EPSILON] = s.epsilon;
  params[LOG_EPSILON] = Math.log(s.epsilon);
  params[LOG_ONE_MINUS_EPSILON] = Math.log1p(-s.epsilon);
  params[BINARY_ALPHA] = s.binaryAlpha;
  params[SMOOTHING] = s.smoothing;
  params[GRAD_SCALE] = s.gradScale;
  params[IGNORE_INDEX] = s.ignore;
  params[HAS_IGNORE] = s.hasIgnore ? 1 : 0;
  params[FROM_LOGITS] = s.fromLogits ? 1 : 0;
  params[POLY1] = s.poly1;
  const classWeights = scratch.classWeights();
  if (s.alpha instanceof Float64Array) {
    if (s.alpha.length !== classes) {
      throw new RangeError(`${fn}: alpha has ${s.alpha.length} weights but the batch has ${classes} classes`);
    }
    classWeights.set(s.alpha);
    params[CLASS_WEIGHT_STRIDE] = 1;
  } else {
    classWeights[0] = s.alpha ?? 1;
  }
  const perClass = s.perClass ? scratch.perClass(classes).fill(0) : null;
  const rowScratch = s.grad ? scratch.f64('row') : null;
  return { params, classWeights, sampleWeights: s.sampleWeights ? scratch.sampleWeights() : null, losses: null, perClass, rowScratch };
}

/** What a loss's options set in the frame; the plan and the reduction set the rest. */
export type LossFrameSettings = Omit<FrameSettings, 'ignore' | 'hasIgnore' | 'gradScale' | 'sampleWeights' | 'grad'>;

export function focalLossFrame(batch: Batch, s: FocalLossSettings, perClass: boolean): LossFrameSettings {
  return {
    gamma: s.gamma,
    epsilon: epsilonFor(s.epsilon, batch.f32),
    // Target rows arrive smoothed; class indices are smoothed by the kernel.
    smoothing: batch.trueRows ? 0 : s.labelSmoothing,
    fromLogits: s.fromLogits,
    alpha: s.alpha,
    binaryAlpha: -1,
    poly1: s.poly1,
    perClass,
  };
}

export function binaryFocalLossFrame(batch: Batch, s: BinaryFocalLossSettings, perClass: boolean): LossFrameSettings {
  return {
    gamma: s.gamma,
    epsilon: epsilonFor(s.epsilon, batch.f32),
    smoothing: s.labelSmoothing,
    fromLogits: s.fromLogits,
    alpha: undefined,
    binaryAlpha: s.alpha,
    poly1: s.poly1,
    perClass,
  };
}
