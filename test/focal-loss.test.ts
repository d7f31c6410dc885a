import { describe, expect, it } from 'vitest';
import { focalLoss, focusedLoss } from '../src/index.js';
import { BACKENDS, cases, expectAllClose, expectClose, layouts } from './helpers.js';

describe('worked examples (positional form)', () => {
  it('match the brief', () => {
    expect(focalLoss([0, 1, 2], [[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.1, 0.2, 0.7]], 2.0)).toBeCloseTo(0.014, 3);
    expect(focalLoss([0, 1], [[0.7, 0.3], [0.4, 0.6]], 0.0)).toBeCloseTo(0.434, 3);
    expect(
      focalLoss([0, 1, 2], [[0.8, 0.1, 0.1], [0.2, 0.6, 0.2], [0.1, 0.3, 0.6]], 1.5, [1.0, 1.5, 2.0]),
    ).toBeCloseTo(0.157, 3);
  });

  for (const c of cases.filter((c) => c.positional)) {
    it(`${c.name} to 1e-12 of the mpmath value`, () => {
      const [gamma, alpha] = c.positional!;
      expectClose(focalLoss(c.yTrue, c.yPred, gamma, alpha ?? undefined), c.expected.mean);
    });
  }

  it('focusedLoss is focalLoss', () => {
    expect(focusedLoss).toBe(focalLoss);
  });
});

describe('against mpmath references (test/fixtures/generate.py)', () => {
  for (const c of cases) {
    describe(c.name, () => {
      for (const backend of BACKENDS) {
        for (const [layout, yPred] of layouts(c)) {
          it(`${backend}, ${layout}`, () => {
            const options = { ...c.options, backend };
            // Plain and Int32Array labels take different marshalling paths for typed rows.
            for (const yTrue of [c.yTrue, Int32Array.from(c.yTrue)]) {
              expectClose(focalLoss(yTrue, yPred, { ...options, reduction: 'mean' }), c.expected.mean, 'mean');
              expectClose(focalLoss(yTrue, yPred, { ...options, reduction: 'sum' }), c.expected.sum, 'sum');
              expectAllClose(focalLoss(yTrue, yPred, { ...options, reduction: 'none' }), c.expected.none, 'none');
            }
          });
        }
      }
    });
  }
});

describe('defaults and label types', () => {
  const rows = [[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]];
  it('defaults to gamma 2, no alpha, mean, epsilon 1e-7', () => {
    const byHand = (-(0.5 ** 2) * Math.log(0.5) - 0.4 ** 2 * Math.log(0.6)) / 2;
    expectClose(focalLoss([1, 0], rows), byHand);
    expectClose(focalLoss([1, 0], rows, {}), byHand);
  });

  it('accepts labels as any array-like of integers', () => {
    const want = focalLoss([2, 1], rows);
    for (const labels of [Int32Array.of(2, 1), Uint8Array.of(2, 1), Float64Array.of(2, 1), { length: 2, 0: 2, 1: 1 }]) {
      expect(focalLoss(labels, rows)).toBe(want);
    }
  });

  it('a mean over zero counted samples is 0', () => {
    expect(focalLoss([-1, -1], rows, { ignoreIndex: -1 })).toBe(0);
    expect(focalLoss([-1, -1], rows, { ignoreIndex: -1, fromLogits: true })).toBe(0);
  });

  it('handles batches that span many chunks, on both backends alike', () => {
    const n = 20_011;
    const yTrue = Int32Array.from({ length: n }, (_, i) => (i * 7) % 3);
    const yPred = Float64Array.from({ length: n * 3 }, (_, k) => ((k * 37) % 97) / 97 / 1.5 + 0.01);
    for (const reduction of ['mean', 'sum'] as const) {
      const wasm = focalLoss(yTrue, yPred, { reduction, backend: 'wasm' });
      expectClose(focalLoss(yTrue, yPred, { reduction, backend: 'js' }), wasm);
    }
    const none = focalLoss(yTrue, yPred, { reduction: 'none' });
    let byHand = 0;
    for (let i = 0; i < n; i++) {
      const p = yPred[i * 3 + yTrue[i]];
      const want = -((1 - p) ** 2) * Math.log(p);
      expect(Math.abs(none[i] - want)).toBeLessThanOrEqual(1e-14 * want);
      byHand += want;
    }
    expect(Math.abs(focalLoss(yTrue, yPred, { reduction: 'sum' }) - byHand)).toBeLessThanOrEqual(1e-11 * byHand);
  });
});
