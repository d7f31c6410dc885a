import type { KernelInstance } from '../backend/instance.js';
import { chunkRows } from '../backend/scratch.js';
import type { BinaryFocalLossSettings } from '../options/binary-focal-loss-options.js';
import type { FocalLossSettings } from '../options/focal-loss-options.js';
import type { Batch } from '../shape.js';
import { explainBinary, explainLogit, explainProbability, explainTargetRow } from './explain.js';
import { gatherSource } from './gather.js';
import { labelSource } from './labels.js';
import { rowChecks } from './row-checks.js';
import { rowSource } from './rows.js';
import type { Plan } from './run.js';
import { targetRowSource } from './target-rows.js';

/** What a call produces besides its totals: which chunk buffers its plan must reserve. */
export interface Needs {
  losses: boolean;
  grad: boolean;
  perClass: boolean;
}

/** Typed rows at most this wide are copied whole: one memcpy over the cache lines reading p_t touches anyway. */
const NARROW_ROW_BYTES = 256;

/** Reserves the chunk buffers: bytes per row of targets, and of per-row losses (binary: K of them). */
function reserve(
  fn: string, instance: KernelInstance, classes: number, needs: Needs, targetBytes: number, lossBytes: number, weights: number,
): void {
  instance.scratch.reserve(fn, 'yPred rows', classes, {
    pred: 8 * classes,
    target: targetBytes,
    ...(needs.losses ? { losses: lossBytes } : {}),
    ...(needs.grad ? { grad: 8 * classes, row: 16 * classes } : {}),
  }, weights, needs.perClass);
}

/** focalLoss and its relatives: class indices (probabilities, gathered or whole rows; logits) or target rows. */
export function focalLossPlan(batch: Batch, s: FocalLossSettings, instance: KernelInstance, needs: Needs): Plan {
  const { n, classes } = batch;
  reserve(s.fn, instance, classes, needs, batch.trueRows ? 8 * classes : 4, 8, s.alpha instanceof Float64Array ? classes : 1);
  const scratch = instance.scratch;
  const step = chunkRows(classes);
  const check = s.rowTolerance > 0 ? rowChecks(batch, s.rowTolerance, s.fromLogits) : null;
  // The target-row kernels read f64 only; the others take f32 rows as they are.
  const pred = (f32: boolean) =>
    rowSource(batch, 'yPred', batch.yPred, batch.predRows, instance, scratch.f64('pred'), f32 ? scratch.f32('pred') : null);
  const base = { n, classes, step, chunkLabels: null };

  if (batch.trueRows || s.labelSmoothing > 0) {
    if (batch.trueRows && s.ignoreIndex !== undefined) {
      throw new RangeError(`${s.fn}: ignoreIndex applies to class-index targets, but yTrue holds target rows`);
    }
    const rows = pred(false);
    const alpha = s.alpha;
    // Poly-1's term is not weighed by alpha: with it, every class with a target is read.
    const reads = (c: number) => s.poly1 !== 0 || (typeof alpha === 'object' ? alpha[c] : (alpha ?? 1)) !== 0;
    const targets = batch.trueRows
      ? targetRowSource(batch, scratch.f64('target'), s.labelSmoothing)
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
      explain: (i) => explainTargetRow(batch, i, s.fromLogits, !batch.trueRows, s.ignoreIndex, reads),
    };
  }

  const flat = batch.yPred;
  const wholeRows = s.fromLogits || (
    (flat instanceof Float64Array || flat instanceof Float32Array) &&
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
}

/** binaryFocalLoss: rows of K predictions against rows of K targets (K = 1 for flat input). */
export function binaryFocalLossPlan(batch: Batch, s: BinaryFocalLossSettings, instance: KernelInstance, needs: Needs): Plan {
  const { n, classes } = batch;
  reserve(s.fn, instance, classes, needs, 8 * classes, 8 * classes, 1);
  const scratch = instance.scratch;
  const pred = rowSource(batch, 'yPred', batch.yPred, batch.predRows, instance, scratch.f64('pred'), null);
  const targets = rowSource(batch, 'yTrue', batch.yTrue, batch.trueRows, instance, scratch.f64('target'), null);
  return {
    kind: 'binary',
    n,
    classes,
    step: chunkRows(classes),
    ignore: 0,
    hasIgnore: false,
    chunkLabels: null,
    fill: (start, m) => [pred.fill(start, m), targets.fill(start, m)],
    explain: (i) => explainBinary(batch, i, s.fromLogits),
  };
}
