import { entry } from '../errors/detail.js';
import { rowError, targetError } from '../errors/input.js';
import type { Batch } from '../shape.js';

/**
 * Copies target rows (one-hot or soft, each value in [0, 1]) into the chunk buffer with label
 * smoothing applied: y (1 - s) + s / C.
 */
export function targetRowSource(batch: Batch, into: Float64Array, smoothing: number): { fill(start: number, m: number): Float64Array } {
  const { fn, classes, shape } = batch;
  const targets = batch.yTrue;
  const keep = 1 - smoothing;
  const spread = smoothing / classes;
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
