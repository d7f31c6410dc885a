import type { KernelInstance } from '../backend/instance.js';
import { entry } from '../errors/detail.js';
import { rowError, targetError } from '../errors/input.js';
import type { Batch } from '../shape.js';
import { rowSource } from './rows.js';

/**
 * Copies target rows (one-hot or soft, each value in [0, 1]) into the chunk buffer with label
 * smoothing applied: y (1 - s) + s / C. Targets come as rows, or flat in yPred's layout (a
 * tensor or map of yPred's shape).
 */
export function targetRowSource(
  batch: Batch, instance: KernelInstance, into: Float64Array, smoothing: number,
): { fill(start: number, m: number): Float64Array } {
  const { fn, classes, shape, layout } = batch;
  const targets = batch.yTrue;
  const keep = 1 - smoothing;
  const spread = smoothing / classes;
  if (!batch.trueRows) {
    const rows = rowSource(batch, 'yTrue', targets, false, instance, into, null, true);
    return {
      fill(start, m) {
        rows.fill(start, m);
        for (let j = 0; j < m; j++) {
          for (let c = 0; c < classes; c++) {
            const y = into[j * classes + c];
            if (!(y >= 0 && y <= 1)) throw targetError(fn, layout.entry('yTrue', start + j, c), targets[layout.index(start + j, c)]);
            into[j * classes + c] = y * keep + spread;
          }
        }
        return into;
      },
    };
  }
  return {
    fill(start, m) {
      for (let j = 0; j < m; j++) {
        const i = start + j;
        const row = targets[i] as ArrayLike<unknown>;
        if (typeof row !== 'object' || row === null || row.length !== classes) {
          throw rowError(fn, 'yTrue', i, row, classes, shape);
        }
        for (let c = 0; c < classes; c++) {
          const y = row[c];
          if (typeof y !== 'number' || !(y >= 0 && y <= 1)) throw targetError(fn, entry('yTrue', { sample: i, class: c }), y);
          into[j * classes + c] = y * keep + spread;
        }
      }
      return into;
    },
  };
}
