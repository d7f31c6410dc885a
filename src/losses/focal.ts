import { option, fail } from '../errors/detail.js';
import { epsilonFor, commonSettings } from '../options/common.js';
import { isOptionsObject } from '../options/read.js';
import { show } from '../errors/show.js';
import { BINARY_ALPHA, GAMMA, POLY1, SMOOTHING } from '../kernels/frame.js';
import { explainLogit, explainProbability, explainTargetRow } from '../pipeline/explain.js';
import { gatherSource } from '../pipeline/gather.js';
import { labelSource } from '../pipeline/labels.js';
import { reserve, type Needs } from '../pipeline/plan.js';
import { rowChecks } from '../pipeline/row-checks.js';
import { rowSource } from '../pipeline/rows.js';
import { targetRowSource } from '../pipeline/target-rows.js';
import { readSettings, type LossSettings, type LossSpec } from '../pipeline/loss-spec.js';

// Multi-class (softmax) focal loss: −α_t · (1 − p_t)^γ · ln p_t per sample, over class
// indices (probabilities, gathered or as whole rows; logits) or target rows; with Poly-1,
// plus ε·(1 − p_t)^(γ+1).

export interface FocalLossSettings extends LossSettings {
  gamma: number;
  alpha: number | Float64Array | undefined;
  ignoreIndex: number | undefined;
  labelSmoothing: number;
  /** Row sum tolerance of checkRows, or 0 when rows are not checked. */
  rowTolerance: number;
  /** Poly-1's epsilon (0: none). */
  poly1: number;
}

/** Typed rows at most this wide are copied whole: one memcpy over the cache lines reading p_t touches anyway. */
const NARROW_ROW_BYTES = 256;

export const focal: LossSpec<FocalLossSettings> = {
  name: 'focalLoss',
  title: 'focal loss',
  reduces: 'classes',

  settings: (fn, o) => ({
    ...commonSettings(fn, o),
    gamma: o.gamma as number,
    alpha: o.alpha as number | Float64Array | undefined,
    ignoreIndex: o.ignoreIndex as number | undefined,
    classes: o.classes as number | undefined,
    labelSmoothing: o.labelSmoothing as number,
    rowTolerance: o.checkRows as number,
    poly1: o.poly1 as number,
  }),

  frame: (batch, s) => ({
    epsilon: epsilonFor(s.epsilon, batch.f32),
    classWeights: s.alpha,
    // Target rows arrive smoothed; class indices are smoothed by the kernel.
    slots: [[GAMMA, s.gamma], [SMOOTHING, batch.targets ? 0 : s.labelSmoothing], [BINARY_ALPHA, -1], [POLY1, s.poly1]],
  }),

  plan(batch, s, instance, needs: Needs) {
    const { n, classes } = batch;
    reserve(s.fn, instance, classes, needs, batch.targets ? 8 * classes : 4, 8, s.alpha instanceof Float64Array ? classes : 1, !batch.layout.rowMajor);
    const scratch = instance.scratch;
    const check = s.rowTolerance > 0 ? rowChecks(batch, s.rowTolerance, s.fromLogits) : null;
    // The target-row kernels read f64 only; the others take f32 rows as they are.
    const pred = (f32: boolean) =>
      rowSource(batch, 'yPred', batch.yPred, batch.predRows, instance, scratch.f64('pred'), f32 ? scratch.f32('pred') : null);
    const base = { n, classes, chunkLabels: null };

    if (batch.targets || s.labelSmoothing > 0) {
      if (batch.targets && s.ignoreIndex !== undefined) {
        throw fail(RangeError, s.fn)`${option('ignoreIndex')} applies to class-index targets, but yTrue holds target rows`;
      }
      const rows = pred(false);
      const alpha = s.alpha;
      // Poly-1's term is not weighed by alpha: with it, every class with a target is read.
      const reads = (c: number) => s.poly1 !== 0 || (typeof alpha === 'object' ? alpha[c] : (alpha ?? 1)) !== 0;
      const targets = batch.targets
        ? targetRowSource(batch, instance, scratch.f64('target'), s.labelSmoothing)
        : labelSource(batch, instance, scratch.i32('target'), s.ignoreIndex);
      return {
        ...base,
        kind: 'targetRow',
        ignore: 'ignore' in targets ? targets.ignore : 0,
        hasIgnore: 'hasIgnore' in targets ? targets.hasIgnore : false,
        fill(start, m) {
          check?.(start, m);
          return [rows.fill(start, m), targets.fill(start, m)];
        },
        explain: (i) => explainTargetRow(batch, i, s.fromLogits, !batch.targets, s.ignoreIndex, reads),
      };
    }

    const flat = batch.yPred;
    const wholeRows = s.fromLogits || needs.diagnostics === true || (
      (flat instanceof Float64Array || flat instanceof Float32Array) && batch.layout.rowMajor &&
      (instance.reads(flat) || classes * flat.BYTES_PER_ELEMENT <= NARROW_ROW_BYTES)
    );
    if (wholeRows) {
      const rows = pred(true);
      const labels = labelSource(batch, instance, scratch.i32('target'), s.ignoreIndex);
      return {
        ...base,
        kind: s.fromLogits ? 'logit' : 'probability',
        ignore: labels.ignore,
        hasIgnore: labels.hasIgnore,
        fill(start, m) {
          check?.(start, m);
          return [rows.fill(start, m), labels.fill(start, m)];
        },
        explain: (i) => (s.fromLogits ? explainLogit(batch, i, s.ignoreIndex) : explainProbability(batch, i, s.ignoreIndex)),
      };
    }

    const p = scratch.f64('pred');
    const labels = scratch.i32('target');
    const gather = gatherSource(batch, p, labels, s.ignoreIndex);
    return {
      ...base,
      kind: 'gathered',
      ignore: gather.ignore,
      hasIgnore: gather.hasIgnore,
      chunkLabels: labels,
      fill(start, m) {
        check?.(start, m);
        gather.fill(start, m);
        return [p, labels];
      },
      explain: (i) => explainProbability(batch, i, s.ignoreIndex),
    };
  },
};

/**
 * focalLoss's third and fourth arguments: an options object, or the positional
 * (gamma, alpha) form.
 */
export function focalArguments(fn: string, third: unknown, fourth: unknown): FocalLossSettings {
  if (isOptionsObject(third)) {
    if (fourth !== undefined) {
      throw fail(TypeError, fn)`pass alpha inside the options object, not as a fourth argument, got ${show(fourth)}`;
    }
    return readSettings(focal, fn, 'call', third);
  }
  if (third !== undefined && typeof third !== 'number') {
    throw fail(TypeError, fn)`the third argument must be gamma (a number) or an options object, got ${show(third)}`;
  }
  if (isOptionsObject(fourth)) {
    throw new TypeError(
      `${fn}: the fourth argument is alpha, a number or one weight per class, got ${show(fourth)}; to pass options, ` +
        `use ${fn}(yTrue, yPred, { gamma, alpha, ... })`,
    );
  }
  const o: Record<string, unknown> = Object.create(null);
  if (third !== undefined) o.gamma = third;
  if (fourth !== undefined) o.alpha = fourth;
  return readSettings(focal, fn, 'call', o);
}
