import { selectInstance } from '../backend/loader.js';
import type { Values } from '../kernels/frame.js';
import type { BinaryFocalLossSettings } from '../options/binary-focal-loss-options.js';
import type { FocalLossSettings } from '../options/focal-loss-options.js';
import type { Batch } from '../shape.js';
import { evaluate, type Evaluation } from './evaluate.js';
import { binaryFocalLossFrame, focalLossFrame } from './frame.js';
import { binaryFocalLossPlan, focalLossPlan } from './plan.js';

/** What a loss call computes: its options, and the extras beside the loss. */
export type LossRequest =
  | { loss: 'focalLoss'; settings: FocalLossSettings }
  | { loss: 'binaryFocalLoss'; settings: BinaryFocalLossSettings };

/**
 * A loss over a batch, start to end: the kernel instance the options choose, held for this
 * call alone; the plan; the frame; the chunks; the reduction. `perClass` adds per-class sums;
 * `epsilon` overrides the options' (an accumulator keeps the one its first chunk settled).
 */
export function computeLoss(
  request: LossRequest, batch: Batch, grad: Values | null, perClass = false, epsilon?: number,
): Evaluation {
  const s = request.settings;
  const instance = selectInstance(s.backend, s.fn);
  return instance.exclusive(s.fn, () => {
    const needs = { losses: s.reduction === 'none', grad: grad !== null, perClass };
    const [plan, frame] = request.loss === 'focalLoss'
      ? [focalLossPlan(batch, request.settings, instance, needs), focalLossFrame(batch, request.settings, perClass)]
      : [binaryFocalLossPlan(batch, request.settings, instance, needs), binaryFocalLossFrame(batch, request.settings, perClass)];
    if (epsilon !== undefined) frame.epsilon = epsilon;
    return evaluate(instance, plan, s, frame, grad);
  });
}
