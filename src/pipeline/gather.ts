import { entry, type EntryRef } from '../errors/detail.js';
import { labelError, notANumber, rowError } from '../errors/input.js';
import { isBigIntArray } from '../layout/argument.js';
import type { Batch } from '../shape.js';
import { bigIntLabels } from './labels.js';

/** p_t and the label of each sample, gathered on the host into the chunk buffers. */
export interface GatherSource {
  readonly ignore: number;
  readonly hasIgnore: boolean;
  /** Fills p[j] = p_t and labels[j] (-1 when ignored) for samples [start, start + m). */
  fill(start: number, m: number): void;
}

/**
 * For probabilities with class indices where copying whole rows would move C times the data
 * the loss needs (nested rows, plain arrays, wide typed rows). Each sample's label, row and
 * p_t are read once; labels, rows and types are checked here, p_t's range by the kernel.
 */
export function gatherSource(batch: Batch, p: Float64Array, labels: Int32Array, ignoreIndex: number | undefined): GatherSource {
  const { fn, classes, shape, layout } = batch;
  const y = batch.yTrue;
  const hasIgnore = ignoreIndex !== undefined;
  const badLabel = (i: number, t: unknown) =>
    labelError(fn, layout.sampleEntry(batch.trueName, i), t, classes, ignoreIndex, shape, isBigIntArray(y));
  if (isBigIntArray(y)) {
    const at = (i: number, t: number): [unknown, EntryRef] => {
      if (!batch.predRows) return [batch.yPred[layout.index(i, t)], layout.entry('yPred', i, t)];
      const row = batch.yPred[i] as ArrayLike<unknown>;
      if (typeof row !== 'object' || row === null || row.length !== classes) throw rowError(fn, 'yPred', i, row, classes, shape);
      return [row[t], entry('yPred', { sample: i, class: t })];
    };
    return {
      ignore: -1,
      hasIgnore,
      fill(start, m) {
        bigIntLabels(y, start, m, labels, classes, ignoreIndex, badLabel);
        for (let j = 0; j < m; j++) {
          if (labels[j] < 0) {
            p[j] = 1;
            continue;
          }
          const [x, where] = at(start + j, labels[j]);
          if (typeof x !== 'number') throw notANumber(fn, where, x);
          p[j] = x;
        }
      },
    };
  }
  if (batch.predRows) {
    const rows = batch.yPred as ArrayLike<ArrayLike<unknown>>;
    return {
      ignore: -1,
      hasIgnore,
      fill(start, m) {
        // Locals, not closure variables, in the loop: V8 keeps them in registers.
        const Y = y;
        const R = rows;
        const P = p;
        const L = labels;
        const C = classes;
        for (let j = 0, i = start; j < m; j++, i++) {
          const row = R[i];
          if (typeof row !== 'object' || row === null || row.length !== C) throw rowError(fn, 'yPred', i, row, C, shape);
          const t = Y[i];
          if (hasIgnore && t === ignoreIndex) {
            L[j] = -1;
            P[j] = 1;
            continue;
          }
          if (typeof t !== 'number' || t >>> 0 !== t || t >= C) throw badLabel(i, t);
          const x = row[t];
          if (typeof x !== 'number') throw notANumber(fn, entry('yPred', { sample: i, class: t }), x);
          P[j] = x;
          L[j] = t;
        }
      },
    };
  }
  const flat = batch.yPred;
  return {
    ignore: -1,
    hasIgnore,
    fill(start, m) {
      const Y = y;
      const F = flat;
      const P = p;
      const L = labels;
      const C = classes;
      const rowMajor = layout.rowMajor;
      for (let j = 0, i = start; j < m; j++, i++) {
        const t = Y[i];
        if (hasIgnore && t === ignoreIndex) {
          L[j] = -1;
          P[j] = 1;
          continue;
        }
        if (typeof t !== 'number' || t >>> 0 !== t || t >= C) throw badLabel(i, t);
        const x = F[rowMajor ? i * C + t : layout.index(i, t)];
        if (typeof x !== 'number') throw notANumber(fn, layout.entry('yPred', i, t), x);
        P[j] = x;
        L[j] = t;
      }
    },
  };
}
