import { advice, entry, fail, option } from '../errors/detail.js';
import { notANumber } from '../errors/input.js';
import { show } from '../errors/show.js';
import type { Batch } from '../shape.js';

/**
 * checkRows: that every row of yPred is what the loss expects, probabilities summing to 1
 * (within `tolerance`), or, with fromLogits, not already probabilities. A debugging aid: it
 * reads every entry of every row, which the loss itself does not.
 */
export function rowChecks(batch: Batch, tolerance: number, fromLogits: boolean): (start: number, m: number) => void {
  const { fn, classes, yPred, layout, predName } = batch;
  return (start, m) => {
    for (let i = start; i < start + m; i++) {
      const row = batch.predRows ? (yPred[i] as ArrayLike<unknown>) : null;
      const at = row === null ? layout.rowEntry(predName, i) : entry(predName, { sample: i });
      let sum = 0;
      let probabilities = true;
      for (let c = 0; c < classes; c++) {
        const v = row === null ? yPred[layout.index(i, c)] : row[c];
        if (typeof v !== 'number') throw notANumber(fn, row === null ? layout.entry(predName, i, c) : entry(predName, { sample: i, class: c }), v);
        if (!(v >= 0 && v <= 1)) {
          if (!fromLogits) {
            throw fail(RangeError, fn)`${option('checkRows')}: ${at} has ${show(v)} at class ${c}, which is not a probability; ${advice('logits')}`;
          }
          probabilities = false;
        }
        sum += v;
      }
      const distribution = probabilities && Math.abs(sum - 1) <= tolerance;
      if (fromLogits && distribution) {
        throw fail(RangeError, fn)`${option('checkRows')}: ${at} is a probability distribution (entries in [0, 1] summing to ${sum}), but ${option('fromLogits')} is true`;
      }
      if (!fromLogits && !distribution) {
        throw fail(RangeError, fn)`${option('checkRows')}: ${at} sums to ${sum}, not 1 (tolerance ${tolerance}); softmax outputs sum to 1 — for independent sigmoid outputs use binaryFocalLoss, for logits pass ${option('fromLogits', true)}`;
      }
    }
  };
}
