import { epsilonFor, commonSettings } from '../options/common.js';
import { BINARY_ALPHA, GAMMA, POLY1, SMOOTHING } from '../kernels/frame.js';
import { elementPlan } from '../pipeline/element-plan.js';
import type { LossSettings, LossSpec } from '../pipeline/loss-spec.js';

// Sigmoid (binary, multi-label) focal loss, per element α_t · (1 − p_t)^γ · BCE(y, p):
// rows of K predictions against rows of K targets (K = 1 for flat input).

export interface BinaryFocalLossSettings extends LossSettings {
  gamma: number;
  /** α, or -1 for no class balancing (what the kernels take). */
  alpha: number;
  labelSmoothing: number;
  /** Poly-1's epsilon (0: none). */
  poly1: number;
}

export const binaryFocal: LossSpec<BinaryFocalLossSettings> = {
  name: 'binaryFocalLoss',
  title: 'binary focal loss',
  reduces: 'elements',

  settings: (fn, o) => ({
    ...commonSettings(fn, o),
    gamma: o.gamma as number,
    alpha: (o.alpha as number | undefined) ?? -1,
    classes: o.classes as number | undefined,
    labelSmoothing: o.labelSmoothing as number,
    poly1: o.poly1 as number,
  }),

  frame: (batch, s) => ({
    epsilon: epsilonFor(s.epsilon, batch.f32),
    classWeights: undefined,
    slots: [[GAMMA, s.gamma], [SMOOTHING, s.labelSmoothing], [BINARY_ALPHA, s.alpha], [POLY1, s.poly1]],
  }),

  plan: (batch, s, instance, needs) => elementPlan('binary', batch, s.fn, s.fromLogits, instance, needs),
};
