// tfFocalLoss, tfAsymmetricLoss and tfBinaryFocalLoss against losses composed from tf ops
// (test/tfjs-reference.ts, which never calls this package): values and gradients under tf.grad,
// on tfjs' cpu and wasm backends.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { binaryFocalLoss, focalLoss } from '../../src/index.js';
import {
  tfAsymmetricLoss, tfBinaryFocalLoss, tfFocalLoss, type TfAsymmetricLossOptions, type TfBinaryFocalLossOptions, type TfFocalLossOptions,
} from '../../src/tfjs.js';
import { random } from '../random.js';
import { asymmetricReference, binaryReference, expectTensorClose, focalReference, softmaxRows } from '../tfjs-reference.js';
import { forEachBackend } from './tfjs-helpers.js';

interface FocalCase {
  name: string;
  options: TfFocalLossOptions;
  /** yPred and yTrue, built once the backend is set. */
  make: () => { yTrue: tf.Tensor; yPred: tf.Tensor; rows: tf.Tensor };
}

/** `rows` is the one-hot (or soft) form of yTrue, for the reference. */
const sparse = (labels: number[], classes: number, shape: number[], dtype: 'int32' | 'float32') => ({
  yTrue: tf.tensor(labels, shape, dtype),
  rows: tf.oneHot(tf.tensor1d(labels, 'int32'), classes),
});

function probabilities(n: number, c: number, seed: number, shape = [n, c]): tf.Tensor {
  return tf.tensor(softmaxRows(n, c, seed, 2), shape);
}

function logits(n: number, c: number, seed: number, shape = [n, c]): tf.Tensor {
  const next = random(seed);
  return tf.tensor(Array.from({ length: n * c }, () => (next() - 0.5) * 8), shape);
}

function labels(n: number, c: number, seed: number): number[] {
  const next = random(seed);
  return Array.from({ length: n }, () => Math.floor(next() * c));
}

function softRows(n: number, c: number, seed: number): tf.Tensor {
  return tf.tensor(softmaxRows(n, c, seed, 1), [n, c]);
}

const FOCAL_CASES: FocalCase[] = [
  {
    name: 'probabilities, one-hot rows, γ 2',
    options: { gamma: 2 },
    make: () => {
      const rows = tf.cast(tf.oneHot(tf.tensor1d(labels(12, 4, 1), 'int32'), 4), 'float32');
      return { yTrue: rows, rows, yPred: probabilities(12, 4, 2) };
    },
  },
  {
    name: 'probabilities, sparse [N] int32, per-class α',
    options: { gamma: 2, alpha: [0.25, 1, 2, 0.5] },
    make: () => ({ ...sparse(labels(16, 4, 3), 4, [16], 'int32'), yPred: probabilities(16, 4, 4) }),
  },
  {
    name: 'probabilities, sparse [N, 1] float32, γ 1.5, scalar α',
    options: { gamma: 1.5, alpha: 0.25 },
    make: () => ({ ...sparse(labels(10, 3, 5), 3, [10, 1], 'float32'), yPred: probabilities(10, 3, 6) }),
  },
  {
    name: 'logits, one-hot rows, per-class α',
    options: { gamma: 2, alpha: [1, 0.5, 3], fromLogits: true },
    make: () => {
      const rows = tf.cast(tf.oneHot(tf.tensor1d(labels(9, 3, 7), 'int32'), 3), 'float32');
      return { yTrue: rows, rows, yPred: logits(9, 3, 8) };
    },
  },
  {
    name: 'logits, sparse [N] int32, γ 0 (cross-entropy)',
    options: { gamma: 0, fromLogits: true },
    make: () => ({ ...sparse(labels(20, 5, 9), 5, [20], 'int32'), yPred: logits(20, 5, 10) }),
  },
  {
    name: 'logits, sparse [N, 1] int32, label smoothing 0.1',
    options: { gamma: 2, fromLogits: true, labelSmoothing: 0.1 },
    make: () => ({ ...sparse(labels(8, 4, 11), 4, [8, 1], 'int32'), yPred: logits(8, 4, 12) }),
  },
  {
    name: 'probabilities, soft target rows, label smoothing 0.2, α',
    options: { gamma: 2, labelSmoothing: 0.2, alpha: [0.5, 1, 1.5] },
    make: () => {
      const rows = softRows(7, 3, 13);
      return { yTrue: rows, rows, yPred: probabilities(7, 3, 14) };
    },
  },
  {
    name: 'logits, soft target rows, α, Poly-1 ε -0.5',
    options: { gamma: 1.5, fromLogits: true, alpha: [0.5, 1, 2, 1], poly1: -0.5 },
    make: () => {
      const rows = softRows(6, 4, 19);
      return { yTrue: rows, rows, yPred: logits(6, 4, 20) };
    },
  },
  {
    name: 'logits, soft target rows, reduction sum',
    options: { gamma: 1, fromLogits: true, reduction: 'sum' },
    make: () => {
      const rows = softRows(6, 4, 15);
      return { yTrue: rows, rows, yPred: logits(6, 4, 16) };
    },
  },
  {
    name: 'rank 4 segmentation ([B, H, W, C] logits, sparse [B, H, W] labels, γ 2)',
    options: { gamma: 2, fromLogits: true },
    make: () => {
      const l = labels(2 * 3 * 4, 5, 31);
      return {
        yTrue: tf.tensor(l, [2, 3, 4], 'int32'),
        rows: tf.reshape(tf.oneHot(tf.tensor1d(l, 'int32'), 5), [2, 3, 4, 5]),
        yPred: logits(24, 5, 32, [2, 3, 4, 5]),
      };
    },
  },
  {
    name: 'rank 4 segmentation ([B, H, W, C] probabilities, one-hot [B, H, W, C] maps, α)',
    options: { gamma: 2, alpha: [0.5, 1, 2] },
    make: () => {
      const rows = tf.reshape(tf.cast(tf.oneHot(tf.tensor1d(labels(18, 3, 33), 'int32'), 3), 'float32'), [2, 3, 3, 3]);
      return { yTrue: rows, rows, yPred: probabilities(18, 3, 34, [2, 3, 3, 3]) };
    },
  },
  {
    name: 'rank 3 ([B, T, C] logits, sparse [B, T] labels)',
    options: { gamma: 2, fromLogits: true, alpha: [1, 2, 0.5] },
    make: () => {
      const l = labels(12, 3, 17);
      return {
        yTrue: tf.tensor(l, [3, 4], 'int32'),
        rows: tf.reshape(tf.oneHot(tf.tensor1d(l, 'int32'), 3), [3, 4, 3]),
        yPred: logits(12, 3, 18, [3, 4, 3]),
      };
    },
  },
];

interface BinaryCase {
  name: string;
  options: TfBinaryFocalLossOptions;
  make: () => { yTrue: tf.Tensor; yPred: tf.Tensor };
}

function targets01(n: number, seed: number, shape: number[], dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  const next = random(seed);
  return tf.tensor(Array.from({ length: n }, () => (next() < 0.3 ? 1 : 0)), shape, dtype);
}

function uniformProbabilities(n: number, seed: number, shape: number[]): tf.Tensor {
  const next = random(seed);
  return tf.tensor(Array.from({ length: n }, () => 0.02 + 0.96 * next()), shape);
}

const BINARY_CASES: BinaryCase[] = [
  {
    name: 'flat [N] probabilities, α 0.25',
    options: { gamma: 2, alpha: 0.25 },
    make: () => ({ yTrue: targets01(16, 21, [16]), yPred: uniformProbabilities(16, 22, [16]) }),
  },
  {
    name: 'flat [N] logits, int32 targets, γ 2',
    options: { gamma: 2, fromLogits: true },
    make: () => ({ yTrue: targets01(16, 23, [16], 'int32'), yPred: logits(16, 1, 24, [16]) }),
  },
  {
    name: 'multi-label [N, K] logits, α 0.75, γ 1.5',
    options: { gamma: 1.5, alpha: 0.75, fromLogits: true },
    make: () => ({ yTrue: targets01(24, 25, [6, 4]), yPred: logits(6, 4, 26) }),
  },
  {
    name: 'multi-label [N, K] probabilities, soft targets, label smoothing 0.1, sum',
    options: { gamma: 2, labelSmoothing: 0.1, reduction: 'sum' },
    make: () => ({ yTrue: uniformProbabilities(15, 27, [5, 3]), yPred: uniformProbabilities(15, 28, [5, 3]) }),
  },
  {
    name: '[N, 1] probabilities against [N] targets',
    options: { gamma: 2 },
    make: () => ({ yTrue: targets01(9, 29, [9]), yPred: uniformProbabilities(9, 30, [9, 1]) }),
  },
  {
    name: 'multi-label [N, K] logits, α 0.25, Poly-1 ε 2',
    options: { gamma: 2, alpha: 0.25, poly1: 2, fromLogits: true },
    make: () => ({ yTrue: targets01(24, 31, [6, 4]), yPred: logits(6, 4, 32) }),
  },
];

const ASYMMETRIC_CASES: Array<{ name: string; options: TfAsymmetricLossOptions; make: BinaryCase['make'] }> = [
  {
    name: 'multi-label [N, K] logits, defaults (γ₊ 0, γ₋ 4, m 0.05)',
    options: { fromLogits: true },
    make: () => ({ yTrue: targets01(24, 41, [6, 4]), yPred: logits(6, 4, 42) }),
  },
  {
    name: 'multi-label [N, K] probabilities, γ₊ 1, γ₋ 2, m 0.2, sum',
    options: { gammaPos: 1, gammaNeg: 2, clip: 0.2, reduction: 'sum' },
    make: () => ({ yTrue: targets01(15, 43, [5, 3]), yPred: uniformProbabilities(15, 44, [5, 3]) }),
  },
];

forEachBackend(() => {
  describe('tfFocalLoss: value and gradient equal the op-composed reference under tf.grad', () => {
    for (const c of FOCAL_CASES) {
      it(c.name, () => {
        tf.tidy(() => {
          const { yTrue, yPred, rows } = c.make();
          const loss = tfFocalLoss(c.options);
          const ref = (p: tf.Tensor) => focalReference(rows, p, c.options);
          const [got, want] = [loss(yTrue, yPred), ref(yPred)];
          expect(got.shape).toEqual([]);
          expect(got.dtype).toBe('float32');
          expectTensorClose(got, want, 'loss');
          expectTensorClose(tf.grad((p: tf.Tensor) => loss(yTrue, p))(yPred), tf.grad(ref)(yPred), 'gradient');
        });
      });
    }

    it('channels-first maps with axis 1: [B, C, H, W] logits, [B, H, W] labels; the gradient in yPred\'s shape', () => {
      tf.tidy(() => {
        const l = labels(2 * 3 * 2, 4, 35);
        const yTrue = tf.tensor(l, [2, 3, 2], 'int32');
        const rows = tf.reshape(tf.oneHot(tf.tensor1d(l, 'int32'), 4), [2, 3, 2, 4]);
        const yPred = logits(12, 4, 36, [2, 4, 3, 2]);
        const options = { gamma: 2, fromLogits: true, axis: 1 };
        const loss = tfFocalLoss(options);
        const ref = (p: tf.Tensor) => focalReference(rows, tf.transpose(p, [0, 2, 3, 1]), options);
        expectTensorClose(loss(yTrue, yPred), ref(yPred), 'loss');
        const grad = tf.grad((p: tf.Tensor) => loss(yTrue, p))(yPred);
        expect(grad.shape).toEqual([2, 4, 3, 2]);
        expectTensorClose(grad, tf.grad(ref)(yPred), 'gradient');
        expect(() => tfFocalLoss({ fromLogits: true })(yTrue, yPred)).toThrow(/yTrue has shape \[2, 3, 2\] but yPred has shape \[2, 4, 3, 2\]/);
        expect(() => tfFocalLoss({ axis: 4 })(yTrue, yPred)).toThrow(/axis is 4, outside yPred \[2, 4, 3, 2\] of rank 4/);
      });
    });

    it('the value is the array API\'s float64 value, rounded to float32', () => {
      tf.tidy(() => {
        const { yTrue, yPred } = FOCAL_CASES[1].make();
        const want: number = focalLoss(yTrue.dataSync(), yPred.dataSync() as Float32Array, { gamma: 2, alpha: [0.25, 1, 2, 0.5], classes: 4 });
        expect(tfFocalLoss(FOCAL_CASES[1].options)(yTrue, yPred).dataSync()[0]).toBe(Math.fround(want));
      });
    });

    it('the backward pass scales by dy and gives yTrue a zero gradient', () => {
      tf.tidy(() => {
        const { rows, yPred } = FOCAL_CASES[3].make();
        const loss = tfFocalLoss(FOCAL_CASES[3].options);
        const [gTrue, gPred] = tf.grads((t: tf.Tensor, p: tf.Tensor) => tf.mul(3, loss(t, p)))([rows, yPred]);
        expect(Array.from(gTrue.dataSync())).toEqual(new Array(rows.size).fill(0));
        expect(gTrue.shape).toEqual(rows.shape);
        const once = tf.grad((p: tf.Tensor) => loss(rows, p))(yPred);
        expectTensorClose(gPred, tf.mul(3, once), '3 · loss');
      });
    });
  });

  describe('tfAsymmetricLoss: value and gradient equal the op-composed reference under tf.grad', () => {
    for (const c of ASYMMETRIC_CASES) {
      it(c.name, () => {
        tf.tidy(() => {
          const { yTrue, yPred } = c.make();
          const loss = tfAsymmetricLoss(c.options);
          const ref = (p: tf.Tensor) => asymmetricReference(yTrue, p, c.options);
          expectTensorClose(loss(yTrue, yPred), ref(yPred), 'loss');
          expectTensorClose(tf.grad((p: tf.Tensor) => loss(yTrue, p))(yPred), tf.grad(ref)(yPred), 'gradient');
        });
      });
    }
  });

  describe('tfBinaryFocalLoss: value and gradient equal the op-composed reference under tf.grad', () => {
    for (const c of BINARY_CASES) {
      it(c.name, () => {
        tf.tidy(() => {
          const { yTrue, yPred } = c.make();
          const loss = tfBinaryFocalLoss(c.options);
          const ref = (p: tf.Tensor) => binaryReference(yTrue, p, c.options);
          expectTensorClose(loss(yTrue, yPred), ref(yPred), 'loss');
          expectTensorClose(tf.grad((p: tf.Tensor) => loss(yTrue, p))(yPred), tf.grad(ref)(yPred), 'gradient');
        });
      });
    }

    it('gives Keras\' BinaryFocalCrossentropy docstring values (0.6912, 0.5101 with α 0.25)', () => {
      tf.tidy(() => {
        const yTrue = tf.tensor1d([0, 1, 0, 0]);
        const yPred = tf.tensor1d([-18.6, 0.51, 2.94, -12.8]);
        expect(tfBinaryFocalLoss({ fromLogits: true })(yTrue, yPred).dataSync()[0]).toBeCloseTo(0.6912, 4);
        expect(tfBinaryFocalLoss({ fromLogits: true, alpha: 0.25 })(yTrue, yPred).dataSync()[0]).toBeCloseTo(0.5101, 4);
        expect(binaryFocalLoss([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8], { fromLogits: true })).toBeCloseTo(0.6912, 4);
      });
    });
  });
});
