import { epsilonFor, commonSettings } from '../options/common.js';
import { GAMMA, GAMMA_NEG, MARGIN } from '../kernels/frame.js';
import { elementPlan } from '../pipeline/element-plan.js';
import type { LossSettings, LossSpec } from '../pipeline/loss-spec.js';

// Asymmetric loss (Ridnik et al., ICCV 2021), per element of rows of K labels:
// −[y (1 − p)^γ₊ ln p + (1 − y) p_m^γ₋ ln(1 − p_m)], p_m = max(p − m, 0).

export interface AsymmetricLossSettings extends LossSettings {
  gammaPos: number;
  gammaNeg: number;
  /** The probability margin m. */
  clip: number;
}

export const asymmetric: LossSpec<AsymmetricLossSettings> = {
  name: 'asymmetricLoss',
  title: 'asymmetric loss',
  reduces: 'elements',

  settings: (fn, o) => ({
    ...commonSettings(fn, o),
    gammaPos: o.gammaPos as number,
    gammaNeg: o.gammaNeg as number,
    clip: o.clip as number,
    classes: o.classes as number | undefined,
  }),

  frame: (batch, s) => ({
    epsilon: epsilonFor(s.epsilon, batch.f32),
    classWeights: undefined,
    slots: [[GAMMA, s.gammaPos], [GAMMA_NEG, s.gammaNeg], [MARGIN, s.clip]],
  }),

  plan: (batch, s, instance, needs) => elementPlan('asymmetric', batch, s.fn, s.fromLogits, instance, needs),
};
