// Issue 8 (robustness), item 2: a batch whose rows mix Float32Array, Float64Array and plain
// arrays is computed in float64, each row at its own precision, across chunks too. Expected
// values from mpmath (test/fixtures/generate-robustness.py -> robustness.json), never from the
// library. Shared suite: runs in Node and in Chromium, so no node: imports.
import { describe, expect, it } from 'vitest';
import { binaryFocalLoss, binaryFocalLossGrad, focalLoss, focalLossGrad } from '../src/index.js';
import robustness from './fixtures/robustness.json' with { type: 'json' };
import { BACKENDS } from './helpers.js';
import { allClose, close, type Expected } from './robustness-helpers.js';

interface MixedCase {
  name: string;
  fn: 'focalLoss' | 'binaryFocalLoss';
  kinds: Array<'f32' | 'f64' | 'plain'>;
  yTrue: number[] | number[][];
  yPred: number[][];
  options: Record<string, unknown>;
  expected: { none: Expected[]; sum: Expected; mean: Expected };
}

const asKind = (kind: string, row: number[]): ArrayLike<number> =>
  kind === 'f32' ? Float32Array.from(row) : kind === 'f64' ? Float64Array.from(row) : row.slice();

describe('2. rows mixing Float32Array with plain arrays and Float64Array are computed in float64', () => {
  for (const c of robustness.mixed as unknown as MixedCase[]) {
    for (const backend of BACKENDS) {
      it(`${backend}: ${c.fn} ${c.name}`, () => {
        for (const f32Row of c.kinds.map((k, i) => (k === 'f32' ? i : -1)).filter((i) => i >= 0)) {
          // f32 rows really are float32-exact, or the reference would not be theirs.
          expect(Array.from(Float32Array.from(c.yPred[f32Row]))).toEqual(c.yPred[f32Row]);
        }
        const yPred = c.yPred.map((r, i) => asKind(c.kinds[i], r));
        const options = { ...c.options, backend };
        if (c.fn === 'focalLoss') {
          allClose(focalLoss(c.yTrue, yPred, { ...options, reduction: 'none' }), c.expected.none, 1e-12, 'none');
          close(focalLoss(c.yTrue, yPred, { ...options, reduction: 'sum' }), c.expected.sum, 1e-12, 'sum');
          close(focalLoss(c.yTrue, yPred, options), c.expected.mean, 1e-12, 'mean');
          close(focalLossGrad(c.yTrue, yPred, options).loss, c.expected.mean, 1e-12, 'focalLossGrad');
          // The same rows in the opposite order of types: a plain row first.
          const reversed = (c.yTrue as unknown[]).slice().reverse() as number[];
          close(focalLoss(reversed, yPred.slice().reverse(), { ...options, reduction: 'sum' }), c.expected.sum, 1e-12, 'reversed');
        } else {
          allClose(binaryFocalLoss(c.yTrue as number[][], yPred, { ...options, reduction: 'none' }), c.expected.none, 1e-12, 'none');
          close(binaryFocalLoss(c.yTrue as number[][], yPred, options), c.expected.mean, 1e-12, 'mean');
          close(binaryFocalLossGrad(c.yTrue as number[][], yPred, options).loss, c.expected.mean, 1e-12, 'binaryFocalLossGrad');
        }
      });
    }
  }

  for (const backend of BACKENDS) {
    it(`${backend}: a finite logit of 1e39 in a plain row after a Float32Array row is not an error`, () => {
      const batch = [Float32Array.of(1, 2, 3), [0, 1e39, 0]];
      // Row 1 with label 0: -ln p_0 = 1e39 + ln(1 + 2 e^-1e39) = 1e39; (1 - p_0)^2 = 1.
      const none = focalLoss([2, 0], batch, { backend, fromLogits: true, reduction: 'none' });
      close(none[1], 1e39, 1e-15, 'row 1');
      close(focalLoss([2, 1], batch, { backend, fromLogits: true, reduction: 'none' })[1], 0, 0, 'p_t = 1');
      expect(() => focalLossGrad([2, 0], batch, { backend, fromLogits: true })).not.toThrow();
      expect(() => binaryFocalLoss([[1, 0], [0, 1]], [Float32Array.of(0, 0), [1e39, 1e39]], { backend, fromLogits: true })).not.toThrow();
    });

    for (const name of ['probabilities {"gamma": 2}', 'logits labels=[0, 1, 2, 1, 0, 0] {"gamma": 2, "fromLogits": true}']) {
      it(`${backend}: mixed rows across many chunks keep each row's own precision (${name})`, () => {
        const c = (robustness.mixed as unknown as MixedCase[]).find((m) => m.name === name)!;
        const f32Rows = c.kinds.map((k, i) => (k === 'f32' ? i : -1)).filter((i) => i >= 0);
        const yPred: Array<ArrayLike<number>> = [];
        const yTrue: number[] = [];
        const want: Expected[] = [];
        // 5000 Float32Array rows (whole chunks of them), then 1500 rounds of the mixed rows.
        for (let r = 0; r < 5_000; r++) {
          const i = f32Rows[r % f32Rows.length];
          yPred.push(Float32Array.from(c.yPred[i]));
          yTrue.push((c.yTrue as number[])[i]);
          want.push(c.expected.none[i]);
        }
        for (let r = 0; r < 1_500; r++) {
          c.yPred.forEach((row, i) => {
            yPred.push(asKind(c.kinds[i], row));
            yTrue.push((c.yTrue as number[])[i]);
            want.push(c.expected.none[i]);
          });
        }
        const none = focalLoss(yTrue, yPred, { ...c.options, backend, reduction: 'none' });
        expect(none.length).toBe(want.length);
        for (let k = 0; k < want.length; k++) {
          const w = want[k] as number;
          if (!(Math.abs(none[k] - w) <= 1e-12 * Math.abs(w))) close(none[k], w, 1e-12, `sample ${k}`);
        }
      });
    }
  }
});
