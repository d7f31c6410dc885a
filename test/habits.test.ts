// Habits from PyTorch, torchvision and Keras (issue 22): each gets the right number or an error
// that says what to do here.
import { describe, expect, it } from 'vitest';
import { binaryFocalLoss, createFocalLossAccumulator, focalLoss } from '../src/index.js';
import { BACKENDS } from './helpers.js';

const rows = [[0.7, 0.3], [0.4, 0.6]];

describe('habits from other libraries', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: label -100 (PyTorch's ignore_index) or 255 without ignoreIndex names the option`, () => {
      expect(() => focalLoss([0, -100], rows, { backend })).toThrow(/yTrue\[1\] = -100 is not a class index.*; to skip samples labelled -100, pass ignoreIndex: -100$/);
      expect(() => focalLoss([255, 1], rows, { backend })).toThrow(/; to skip samples labelled 255, pass ignoreIndex: 255$/);
      // With the option, the ignored sample is left out of the mean: the other sample's loss, from the formula.
      const want = -((1 - 0.6) ** 2) * Math.log(0.6);
      expect(Math.abs(focalLoss([-100, 1], rows, { backend, ignoreIndex: -100 }) - want)).toBeLessThanOrEqual(1e-15);
    });
  }

  it('alpha = -1 (torchvision\'s "no weighting") says to omit alpha', () => {
    expect(() => focalLoss([0, 1], rows, { alpha: -1 })).toThrow(/alpha must be finite and >= 0, got -1; alpha = -1 is torchvision's "no weighting": omit alpha instead/);
    expect(() => binaryFocalLoss([1], [0.4], { alpha: -1 })).toThrow(/alpha must be in \[0, 1\], got -1; .*omit alpha instead/);
    expect(() => createFocalLossAccumulator({ alpha: -1 })).toThrow(RangeError);
  });

  it('other libraries\' option names get a "did you mean" with what they are here', () => {
    expect(() => focalLoss([0, 1], rows, { weight: [1, 2] } as never)).toThrow(/unknown option "weight" \(did you mean "alpha"\? PyTorch's weight: one weight per class\)/);
    expect(() => focalLoss([0, 1], rows, { class_weight: [1, 2] } as never)).toThrow(/did you mean "alpha"\?/);
    expect(() => binaryFocalLoss([1], [0.4], { pos_weight: 2 } as never)).toThrow(/did you mean "alpha"\? the weight of positives/);
    expect(() => focalLoss([0, 1], rows, { ignore_index: 3 } as never)).toThrow(/did you mean "ignoreIndex"\?\)/);
    // binaryFocalLoss has no ignoreIndex: no hint that would send the caller to one.
    expect(() => binaryFocalLoss([1], [0.4], { ignore_index: 3 } as never)).toThrow(/unknown option "ignore_index"$/);
  });
});

describe('PyTorch\'s shapes and argument order', () => {
  // Cross-entropy (gamma 0) of the rows above from the formula: -(ln 0.7 + ln 0.6) / 2.
  const ce = -(Math.log(0.7) + Math.log(0.6)) / 2;
  for (const backend of BACKENDS) {
    it(`${backend}: labels as an (N, 1) column are class indices, as a [N, 1] tensor already was`, () => {
      expect(Math.abs(focalLoss([[0], [1]], rows, { gamma: 0, backend }) - ce)).toBeLessThanOrEqual(1e-15);
      expect(Math.abs(focalLoss([new Int32Array([0]), new Int32Array([1])], rows, { gamma: 0, backend }) - ce)).toBeLessThanOrEqual(1e-15);
      expect(Math.abs(focalLoss([[0], [1]], new Float64Array(rows.flat()), { gamma: 0, backend }) - ce)).toBeLessThanOrEqual(1e-15);
      expect(() => focalLoss([[0], [1, 0]], rows, { backend })).toThrow(/ragged yTrue: yTrue\[1\] is an array \[1, 0\] of length 2, but yTrue\[0\] holds one class index/);
    });
  }

  it('focalLoss(pred, target) says the arguments look swapped', () => {
    expect(() => focalLoss(rows, [0, 1])).toThrow(/yTrue holds 2 rows of 2 values and yPred 2 values: the arguments look swapped\. Labels go first, focalLoss\(yTrue, yPred, …\)/);
    expect(() => focalLoss([[0.7, 0.2, 0.1], [0.4, 0.5, 0.1]], new Int32Array([0, 1]))).toThrow(RangeError);
    expect(() => focalLoss([[0.7, 0.2, 0.1], [0.4, 0.5, 0.1]], new Int32Array([0, 1]))).toThrow(/the arguments look swapped/);
    expect(() => focalLoss(new Float64Array([0.7, 0.2, 0.1, 0.4, 0.5, 0.1]), new Int32Array([0, 1]))).toThrow(
      /flat yPred has length 2, which is not a positive multiple of the 6 labels in yTrue; if yTrue holds the predictions, the arguments are swapped: labels first, focalLoss\(yTrue, yPred, …\)/,
    );
  });

  it('counts in messages take the right number: 1 sample, 1 class', () => {
    const error = (() => {
      try {
        focalLoss([3], [[1]]);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(error).toMatch(/1 sample × 1 class\b/);
    expect(error).not.toMatch(/\b1 (samples|classes)\b/);
  });
});
