import { describe, expect, it } from 'vitest';
import { binaryFocalLoss, focalLoss, focalLossGrad } from '../src/index.js';
import { BACKENDS, expectClose } from './helpers.js';

// -(1 - p)^2 ln p, the default loss of one sample, from the formula.
const fl = (p: number, gamma = 2) => -((1 - p) ** gamma) * Math.log(p);

describe('shapes: classes pins C, inferred shapes are named', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: classes reads a flat buffer as N × C and refuses a length that does not match`, () => {
      const flat = new Float64Array([0.25, 0.75, 0.5, 0.5, 0.9, 0.1]);
      expectClose(focalLoss([1, 0], flat, { classes: 3, backend }), (fl(0.75) + fl(0.5)) / 2);
      expect(() => focalLoss([1, 0], flat, { classes: 4, backend })).toThrow(
        /^focalLoss: flat yPred has length 6, expected 2 samples × 4 classes = 8$/,
      );
      expect(() => focalLoss([[0.5, 0.5]] as never, [[0.5, 0.5, 0]], { classes: 2, backend })).toThrow(RangeError);
      expect(() => focalLoss([0], [0.5, 0.5], { classes: 1.5, backend })).toThrow(/classes must be a positive integer, got 1.5/);
    });

    it(`${backend}: errors name the inferred N × C`, () => {
      // 12 values for 2 labels are read as 2 × 6; label 7 is out of range for that.
      expect(() => focalLoss([0, 7], new Float32Array(12), { backend })).toThrow(
        /yTrue\[1\] = 7 is not a class index: expected an integer in \[0, 6\) \(the batch is 2 samples × 6 classes, as inferred from the shapes; pass classes to pin C\)/,
      );
    });

    it(`${backend}: one-hot labels passed flat, or binary data, get a hint that C was taken as 1`, () => {
      const hint = /C was taken as 1 class.*rows \(yTrue\[i\] = \[\.\.\.\]\).*binaryFocalLoss/;
      expect(() => focalLoss([1, 0, 0, 1], [0.9, 0.1, 0.2, 0.8], { backend })).toThrow(hint);
      expect(() => focalLoss([0, 1, 1], [0.2, 0.7, 0.9], { backend })).toThrow(hint);
    });
  }
});

describe('checkRows', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: passes distributions and computes as without it`, () => {
      const rows = [[0.2, 0.8], [0.6, 0.4]];
      expectClose(focalLoss([1, 0], rows, { checkRows: true, backend }), (fl(0.8) + fl(0.6)) / 2);
      expectClose(focalLoss([1, 0], [[0.2, 0.8004], [0.6, 0.4]], { checkRows: 1e-3, backend }), (fl(0.8004) + fl(0.6)) / 2);
    });

    it(`${backend}: refuses rows that are not distributions, naming the row`, () => {
      expect(() => focalLoss([0, 1], [[0.5, 0.5], [0.9, 0.9]], { checkRows: true, backend })).toThrow(
        /^focalLoss: checkRows: yPred\[1\] sums to 1\.8, not 1 \(tolerance 0\.001\).*binaryFocalLoss.*fromLogits/,
      );
      expect(() => focalLoss([0], new Float64Array([0.5, 0.502]), { checkRows: 1e-3, backend })).toThrow(/yPred\[0\] sums to 1\.002/);
      expect(() => focalLoss([0], [[2, -1]], { checkRows: true, backend })).toThrow(/yPred\[0\] has 2 at class 0, which is not a probability/);
      expect(() => focalLoss([0], [[0.3, 0.7]], { checkRows: true, fromLogits: true, backend })).toThrow(
        /checkRows: yPred\[0\] is a probability distribution .* but fromLogits is true/,
      );
      expect(() => focalLoss([0], [[0.3, 0.7]], { checkRows: 2, backend })).toThrow(RangeError);
    });
  }
});

describe('one-hot labels laid out flat', () => {
  it('beside rows, the count names the layout and points to rows', () => {
    expect(() => focalLoss([1, 0, 0, 0, 1, 0], [[0.7, 0.2, 0.1], [0.2, 0.6, 0.2]])).toThrow(
      /^focalLoss: yPred has 2 rows but yTrue has 6 labels; 6 = 2 × 3: one-hot or soft labels go as rows \(yTrue\[i\] = \[\.\.\.\]\)$/,
    );
    expect(() => focalLoss([1, 0, 0], [[0.7, 0.3], [0.2, 0.8]])).toThrow(/^focalLoss: yPred has 2 rows but yTrue has 3 labels$/);
  });
});

describe('tensors', () => {
  // Minimal stand-ins with the shapes of a TensorFlow.js tensor and an ONNX Runtime tensor.
  const tfTensor = (values: Float32Array | Int32Array, shape: number[]) => ({ shape, dtype: 'float32', dataSync: () => values });
  const ortTensor = (data: Float32Array | Int32Array, dims: number[]) => ({ data, dims, type: 'float32' });
  const logits = new Float32Array([2, -1, 0.5, 0, 3, -2]);
  const labels = new Int32Array([0, 1]);

  for (const backend of BACKENDS) {
    it(`${backend}: a [N, C] tensor gives what its values do with classes = C`, () => {
      const options = { fromLogits: true, backend } as const;
      const expected = focalLoss(labels, logits, { ...options, classes: 3 });
      expect(focalLoss(tfTensor(labels, [2]) as never, tfTensor(logits, [2, 3]) as never, options)).toBe(expected);
      expect(focalLoss(ortTensor(labels, [2]) as never, ortTensor(logits, [2, 3]) as never, options)).toBe(expected);
      expect(focalLoss(ortTensor(labels, [2, 1]) as never, ortTensor(logits, [2, 3]) as never, options)).toBe(expected);
      const oneHot = new Float32Array([1, 0, 0, 0, 1, 0]);
      expect(focalLoss(tfTensor(oneHot, [2, 3]) as never, tfTensor(logits, [2, 3]) as never, options)).toBeCloseTo(expected, 14);
      expect(focalLossGrad(tfTensor(labels, [2]) as never, tfTensor(logits, [2, 3]) as never, options).loss).toBe(expected);
      const binary = binaryFocalLoss(ortTensor(new Float32Array([0, 1, 1, 0]), [2, 2]) as never, ortTensor(new Float32Array([-1, 2, 0.5, -3]), [2, 2]) as never, options);
      expect(binary).toBe(binaryFocalLoss([[0, 1], [1, 0]], [[-1, 2], [0.5, -3]], options));
    });
  }

  it('other objects are refused with the argument named', () => {
    expect(() => focalLoss([0], { values: [0.5, 0.5] } as never)).toThrow(/^focalLoss: yPred must be an array or typed array, got an object$/);
    // dataSync() that does not return an array: not a tensor after all.
    const fake = { shape: [1, 2], dataSync: () => undefined };
    expect(() => focalLoss([0], fake as never)).toThrow(/^focalLoss: yPred must be an array or typed array, got an object$/);
    expect(focalLoss([0], [[0.5, 0.5]], 0)).toBe(Math.LN2);
  });
});

describe('positional arguments', () => {
  it('an options object in the fourth place is explained', () => {
    expect(() => focalLoss([0], [[0.5, 0.5]], 2, { alpha: 0.5 } as never)).toThrow(
      /^focalLoss: the fourth argument is alpha, a number or one weight per class, got an object; to pass options, use focalLoss\(yTrue, yPred, \{ gamma, alpha, \.\.\. \}\)$/,
    );
  });
});
