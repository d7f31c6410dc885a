// Issue 16, item 6: a weighted mean does not depend on the weights' scale. Weights near 1e308
// (whose sum overflows) and subnormal weights (whose products with the loss vanish) give the
// weighted mean of weights 1, and its gradient, in the one-shot calls (f64 and f32 gradOut),
// workspaces and accumulators (merged across scales, and through JSON), on both backends.
// The expected values are written from the formula here, in a form that itself neither
// overflows nor underflows: Σ (w_i / w_0) L_i / Σ (w_i / w_0).
import { describe, expect, it } from 'vitest';
import {
  binaryFocalLossGrad, createBinaryFocalLossAccumulator, createFocalLossAccumulator, createWorkspace, focalLossGrad,
} from '../src/index.js';
import { BACKENDS, expectClose } from './helpers.js';

/** γ = 2: −(1 − p)² ln p, and its derivative. */
const fl = (p: number) => -((1 - p) ** 2) * Math.log(p);
const dfl = (p: number) => 2 * (1 - p) * Math.log(p) - (1 - p) ** 2 / p;

// The example: p_t = 0.6 and 0.7, weighted mean 0.056916… for equal weights.
const LABELS = [0, 1];
const ROWS = [[0.6, 0.4], [0.3, 0.7]];
const PT = [0.6, 0.7];
// Binary: targets 1 and 0, so p_t = 0.6 and 1 − 0.3.
const TARGETS = [1, 0];
const PRED = [0.6, 0.3];

/** Weights and their ratios to the first, exact (powers of two or ratios a double holds to 1 ulp). */
const SCALES: Array<[string, number[], number[]]> = [
  ['[1e308, 1e308]', [1e308, 1e308], [1, 1]],
  ['[5e-324, 5e-324]', [5e-324, 5e-324], [1, 1]],
  ['[1e308, 1e307]', [1e308, 1e307], [1, 1e307 / 1e308]],
  ['[5e-324, 1e-323]', [5e-324, 1e-323], [1, 2]],
  ['[2 ** 1023, 2 ** -1074]', [2 ** 1023, 2 ** -1074], [1, 2 ** -2097]],
];

/** expectClose, but a result that underflows to zero may do so with either sign. */
const close = (actual: number, want: number, label: string) =>
  (want === 0 ? expect(Math.abs(actual), label).toBe(0) : expectClose(actual, want, label));
const share = (ratios: number[], i: number) => ratios[i] / ratios.reduce((a, b) => a + b, 0);
const weightedMean = (ratios: number[]) => PT.reduce((total, p, i) => total + share(ratios, i) * fl(p), 0);

describe('weightedMean does not depend on the weights\' scale (issue 16, item 6)', () => {
  it('the formula gives 0.056916… for equal weights', () => {
    expect(weightedMean([1, 1])).toBeCloseTo(0.056916, 6);
  });

  for (const backend of BACKENDS) {
    for (const [name, weights, ratios] of SCALES) {
      const options = { backend, reduction: 'weightedMean', sampleWeight: weights } as const;

      it(`${backend}, weights ${name}: focalLossGrad (f64 and f32 gradOut)`, () => {
        const { loss, grad } = focalLossGrad(LABELS, ROWS, options);
        expectClose(loss, weightedMean(ratios), 'loss');
        const want = [share(ratios, 0) * dfl(0.6), 0, 0, share(ratios, 1) * dfl(0.7)];
        want.forEach((g, k) => close(grad[k], g, `grad[${k}]`));
        const f32 = focalLossGrad(LABELS, ROWS, { ...options, gradOut: new Float32Array(4) }).grad;
        want.forEach((g, k) => expect(Math.abs(f32[k] - g), `f32 grad[${k}]`).toBeLessThanOrEqual(2 ** -24 * Math.abs(g) + 1e-300));
      });

      it(`${backend}, weights ${name}: binaryFocalLossGrad`, () => {
        const { loss, grad } = binaryFocalLossGrad(TARGETS, PRED, options);
        expectClose(loss, weightedMean(ratios), 'loss');
        // d/dp of −(1 − p_t)² ln p_t, p_t = p for a target 1 and 1 − p for a target 0.
        close(grad[0], share(ratios, 0) * dfl(0.6), 'grad[0]');
        close(grad[1], -share(ratios, 1) * dfl(0.7), 'grad[1]');
      });

      it(`${backend}, weights ${name}: workspace.loss and lossAndGrad`, () => {
        const ws = createWorkspace({ rows: 2, classes: 2, backend });
        ws.predictions.set(ROWS.flat());
        ws.labels.set(LABELS);
        const { reduction, sampleWeight } = options;
        expectClose(ws.loss({ reduction, sampleWeight }), weightedMean(ratios), 'loss');
        const { grad } = ws.lossAndGrad({ reduction, sampleWeight });
        close(grad[0], share(ratios, 0) * dfl(0.6), 'grad[0]');
        close(grad[3], share(ratios, 1) * dfl(0.7), 'grad[3]');
        ws.dispose();
      });

      it(`${backend}, weights ${name}: accumulators, one chunk, one sample per chunk, and through JSON`, () => {
        const whole = createFocalLossAccumulator({ backend }).update(LABELS, ROWS, weights);
        const parts = createFocalLossAccumulator({ backend }).update([0], [ROWS[0]], [weights[0]]);
        const second = createFocalLossAccumulator({ backend }).update([1], [ROWS[1]], [weights[1]]);
        const merged = createFocalLossAccumulator.fromState(JSON.parse(JSON.stringify(second.state()))).merge(parts);
        const binary = createBinaryFocalLossAccumulator({ backend }).update(TARGETS, PRED, weights);
        for (const [what, acc] of [['one chunk', whole], ['merged', merged], ['binary', binary]] as const) {
          expectClose(acc.result('weightedMean'), weightedMean(ratios), `${what} weightedMean`);
          // Σ w·loss as a double: each product rounds to the nearest double (0 below 2^-1075).
          const sum = weights[0] * fl(PT[0]) + weights[1] * fl(PT[1]);
          expectClose(acc.result('sum'), sum, `${what} sum`);
        }
      });
    }

    it(`${backend}: a chunk whose weights are all 0 does not change the scale of the others (either order, merged or updated)`, () => {
      const tiny = () => createFocalLossAccumulator({ backend }).update([0], [ROWS[0]], [5e-324]);
      const zero = () => createFocalLossAccumulator({ backend }).update([1], [ROWS[1]], [0]);
      // (5e-324 L0 + 0 L1) / 5e-324 = L0.
      for (const [what, acc] of [
        ['tiny ← zero', tiny().merge(zero())],
        ['zero ← tiny', zero().merge(tiny().state())],
        ['updates: tiny, zero', tiny().update([1], [ROWS[1]], [0])],
        ['updates: zero, tiny', zero().update([0], [ROWS[0]], [5e-324])],
      ] as const) {
        expectClose(acc.result('weightedMean'), fl(0.6), what);
        expect(acc.summary().count, what).toBe(2);
      }
    });

    it(`${backend}: partials at opposite ends of the scale merge in either order`, () => {
      const big = () => createFocalLossAccumulator({ backend }).update([0], [ROWS[0]], [1e308]);
      const tiny = () => createFocalLossAccumulator({ backend }).update([1], [ROWS[1]], [5e-324]);
      // (1e308 L0 + 5e-324 L1) / (1e308 + 5e-324): L0 to double precision.
      expectClose(big().merge(tiny()).result('weightedMean'), fl(0.6), 'big ← tiny');
      expectClose(tiny().merge(big().state()).result('weightedMean'), fl(0.6), 'tiny ← big');
    });
  }
});
