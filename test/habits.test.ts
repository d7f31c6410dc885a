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
