import { describe, expect, it } from 'vitest';
import { binaryFocalLoss } from '../src/index.js';
import { BACKENDS, binaryCases, expectClose, expectWeightedReductions, keras } from './helpers.js';

describe('binaryFocalLoss against mpmath references', () => {
  for (const c of binaryCases) {
    for (const backend of BACKENDS) {
      it(`${c.name}, ${backend}`, () => {
        expectWeightedReductions((o) => binaryFocalLoss(c.yTrue, c.yPred, o), c, backend);
      });
    }
  }

  it('takes typed arrays as well as plain arrays', () => {
    const c = binaryCases.find((c) => !Array.isArray((c.yPred as unknown[])[0]))!;
    const want = binaryFocalLoss(c.yTrue, c.yPred, { ...c.options, reduction: 'sum' });
    const got = binaryFocalLoss(Float64Array.from(c.yTrue as number[]), Float32Array.from(c.yPred as number[]), {
      ...c.options,
      reduction: 'sum',
    });
    expectClose(got, want);
  });
});

describe("Keras' BinaryFocalCrossentropy docstring examples", () => {
  const yTrue = [0, 1, 0, 0];
  const yPred = [-18.6, 0.51, 2.94, -12.8];
  for (const backend of BACKENDS) {
    it(`${backend}: 0.6912 from logits, 0.5101 with class balancing (alpha 0.25)`, () => {
      const plain = binaryFocalLoss(yTrue, yPred, { gamma: 2, fromLogits: true, backend });
      const balanced = binaryFocalLoss(yTrue, yPred, { gamma: 2, fromLogits: true, alpha: 0.25, backend });
      expectClose(plain, keras.binaryFromLogits);
      expectClose(balanced, keras.binaryBalanced);
      expect(plain).toBeCloseTo(0.6912, 4);
      expect(balanced).toBeCloseTo(0.5101, 4);
    });
  }

  it('the per-sample means of the functional example are [0.330, 0.206]', () => {
    const none = binaryFocalLoss([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], { gamma: 2, reduction: 'none' });
    expect((none[0] + none[1]) / 2).toBeCloseTo(0.33, 3);
    expect((none[2] + none[3]) / 2).toBeCloseTo(0.206, 3);
  });
});

describe('binaryFocalLoss edge cases and errors', () => {
  it('gives the exact loss for logits of +-1000 (no overflow, no clipping)', () => {
    for (const backend of BACKENDS) {
      expect(binaryFocalLoss([0], [1000], { fromLogits: true, gamma: 2, backend })).toBe(1000);
      expect(binaryFocalLoss([1], [-1000], { fromLogits: true, gamma: 0, backend })).toBe(1000);
      expect(binaryFocalLoss([1], [1000], { fromLogits: true, gamma: 0, backend })).toBe(0);
    }
  });

  it('clips 1 - p directly: -ln(1 - p) at p = 1 is exactly -ln(epsilon)', () => {
    for (const epsilon of [1e-7, 1e-3]) {
      expect(binaryFocalLoss([0], [1], { gamma: 0, epsilon })).toBe(-Math.log(epsilon));
    }
  });

  const bad: Array<[string, () => unknown, typeof TypeError | typeof RangeError, RegExp]> = [
    ['shape mismatch (flat vs rows)', () => binaryFocalLoss([0, 1], [[0.5], [0.5]]), RangeError, /same shape/],
    ['length mismatch', () => binaryFocalLoss([0, 1], [0.5]), RangeError, /1 elements but yTrue has 2/],
    ['ragged rows', () => binaryFocalLoss([[0, 1], [1]], [[0.5, 0.5], [0.5, 0.5]]), RangeError, /ragged yTrue: row 1/],
    ['target outside [0, 1]', () => binaryFocalLoss([0, 2], [0.5, 0.5]), RangeError, /yTrue\[1\] = 2 is not a target/],
    ['target NaN in rows', () => binaryFocalLoss([[0, NaN]], [[0.5, 0.5]]), RangeError, /yTrue\[0\]\[1\] = NaN/],
    ['probability outside [0, 1]', () => binaryFocalLoss([0, 1], [0.5, 3]), RangeError, /yPred\[1\] = 3 .*fromLogits/],
    ['logit NaN', () => binaryFocalLoss([0, 1], [0.5, NaN], { fromLogits: true }), RangeError, /yPred\[1\] = NaN is not a valid logit/],
    ['alpha outside [0, 1]', () => binaryFocalLoss([0], [0.5], { alpha: 1.5 }), RangeError, /alpha must be in \[0, 1\]/],
    ['alpha an array', () => binaryFocalLoss([0], [0.5], { alpha: [0.5] as never }), TypeError, /alpha/],
    ['labelSmoothing outside [0, 1]', () => binaryFocalLoss([0], [0.5], { labelSmoothing: -0.1 }), RangeError, /labelSmoothing/],
    ['negative sample weight', () => binaryFocalLoss([0], [0.5], { sampleWeight: [-1] }), RangeError, /sampleWeight\[0\] = -1/],
    ['non-positive normalizer', () => binaryFocalLoss([0], [0.5], { normalizer: -2 }), RangeError, /normalizer/],
    ['ignoreIndex is not a binary option', () => binaryFocalLoss([0], [0.5], { ignoreIndex: 0 } as never), TypeError, /unknown option "ignoreIndex"/],
    ['yTrue null', () => binaryFocalLoss(null as never, [0.5]), TypeError, /yTrue/],
    ['empty batch', () => binaryFocalLoss([], []), RangeError, /empty batch/],
  ];
  for (const backend of BACKENDS) {
    for (const [name, call, kind, pattern] of bad) {
      it(`${backend}: ${name}`, () => {
        expect(call).toThrow(kind);
        expect(call).toThrow(pattern);
        expect(binaryFocalLoss([1, 0], [0.5, 0.5], { gamma: 0, backend })).toBeCloseTo(Math.LN2, 15);
      });
    }
  }
});
