// gamma = 0 is cross-entropy, whose gradient is textbook: the expected gradients of focalLoss
// and binaryFocalLoss, from probabilities and from logits, are written out here by hand.
import { describe, expect, it } from 'vitest';
import { GRAD, gradMismatches } from './gradient-helpers.js';
import { BACKENDS } from './helpers.js';

describe('gamma = 0 by hand', () => {
  const rows = [[0.2, 0.5, 0.3], [0.6, 0.1, 0.3], [0.25, 0.25, 0.5]];
  const labels = [1, 0, 2];
  const close = (got: ArrayLike<number>, want: number[]) =>
    gradMismatches(got, want, 1, want.length, false, 1e-13);

  for (const backend of BACKENDS) {
    it(`${backend}: probabilities, mean: d/dp_t of -ln p_t / N is -1 / (N p_t), 0 elsewhere`, () => {
      const { grad } = GRAD.focalLoss(labels, rows, { gamma: 0, backend });
      const want = rows.flatMap((r, i) => r.map((p, c) => (c === labels[i] ? -1 / (3 * p) : 0)));
      expect(close(grad, want)).toEqual([]);
    });

    it(`${backend}: logits, sum: softmax - one-hot`, () => {
      const { grad } = GRAD.focalLoss(labels, rows, { gamma: 0, fromLogits: true, reduction: 'sum', backend });
      const want = rows.flatMap((r, i) => {
        const z = r.reduce((s, x) => s + Math.exp(x), 0);
        return r.map((x, c) => Math.exp(x) / z - (c === labels[i] ? 1 : 0));
      });
      expect(close(grad, want)).toEqual([]);
    });

    it(`${backend}: binary probabilities, sum: -t / p + (1 - t) / (1 - p)`, () => {
      const p = [0.2, 0.7, 0.5, 0.9];
      const t = [1, 0, 0.25, 1];
      const { grad } = GRAD.binaryFocalLoss(t, p, { gamma: 0, reduction: 'sum', backend });
      expect(close(grad, p.map((v, e) => -t[e] / v + (1 - t[e]) / (1 - v)))).toEqual([]);
    });

    it(`${backend}: binary logits, mean: (sigmoid(x) - t) / N`, () => {
      const x = [-3, 0.5, 2, 7];
      const t = [1, 0, 0.25, 1];
      const { grad } = GRAD.binaryFocalLoss(t, x, { gamma: 0, fromLogits: true, backend });
      expect(close(grad, x.map((v, e) => (1 / (1 + Math.exp(-v)) - t[e]) / 4))).toEqual([]);
    });
  }
});
