import { epsilonFor, commonSettings } from '../options/common.js';
import { BINARY_ALPHA, GAMMA, SMOOTHING } from '../kernels/frame.js';
import { explainBinary } from '../pipeline/explain.js';
import { reserve } from '../pipeline/plan.js';
import { rowSource } from '../pipeline/rows.js';
import type { LossSettings, LossSpec } from '../pipeline/loss-spec.js';

// Sigmoid (binary, multi-label) focal loss, per element α_t · (1 − p_t)^γ · BCE(y, p):
// rows of K predictions against rows of K targets (K = 1 for flat input).

export interface BinaryFocalLossSettings extends LossSettings {
  gamma: number;
  /** α, or -1 for no class balancing (what the kernels take). */
  alpha: number;
  labelSmoothing: number;
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
  }),

  frame: (batch, s) => ({
    epsilon: epsilonFor(s.epsilon, batch.f32),
    classWeights: undefined,
    slots: [[GAMMA, s.gamma], [SMOOTHING, s.labelSmoothing], [BINARY_ALPHA, s.alpha]],
  }),

  plan(batch, s, instance, needs) {
    const { n, classes } = batch;
    reserve(s.fn, instance, classes, needs, 8 * classes, 8 * classes, 1, !batch.layout.rowMajor);
    const scratch = instance.scratch;
    const pred = rowSource(batch, 'yPred', batch.yPred, batch.predRows, instance, scratch.f64('pred'), null);
    const targets = rowSource(batch, 'yTrue', batch.yTrue, batch.trueRows, instance, scratch.f64('target'), null);
    return {
      kind: 'binary',
      n,
      classes,
      ignore: 0,
      hasIgnore: false,
      chunkLabels: null,
      fill: (start, m) => [pred.fill(start, m), targets.fill(start, m)],
      explain: (i) => explainBinary(batch, i, s.fromLogits),
    };
  },
};
