import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryFocalLoss, focalLoss } from '../../src/index.js';
import {
  tfAsymmetricLoss, tfBinaryFocalLoss, tfFocalLoss, type TfAsymmetricLossOptions, type TfBinaryFocalLossOptions, type TfFocalLossOptions,
} from '../../src/tfjs.js';
import { installPacked, root } from '../packed.js';
import { asymmetricReference, binaryReference, focalReference, random, softmaxRows } from '../tfjs-reference.js';

// focal-loss-wasm/tfjs against losses composed from tf ops (test/tfjs-reference.ts, which
// never calls this package) under tf.grad, on tfjs' cpu and wasm backends, and in
// tfjs-layers training, custom loops and metrics.

/** Relative tolerance of float32 results (the reference computes in float32). */
const RTOL = 2e-5;

function expectTensorClose(got: tf.Tensor, want: tf.Tensor, where: string, rtol = RTOL): void {
  expect(got.shape, where).toEqual(want.shape);
  const g = got.dataSync();
  const w = want.dataSync();
  let scale = 0;
  for (const v of w) scale = Math.max(scale, Math.abs(v));
  const bad: string[] = [];
  for (let i = 0; i < w.length; i++) {
    if (!Number.isFinite(w[i])) throw new Error(`${where}: the reference is not finite at ${i}; choose another case`);
    const allowed = rtol * (scale + Math.abs(w[i])) + 1e-12;
    if (!(Math.abs(g[i] - w[i]) <= allowed)) bad.push(`[${i}] ${g[i]} vs ${w[i]} (± ${allowed.toPrecision(2)})`);
    if (bad.length >= 6) break;
  }
  expect(bad, where).toEqual([]);
}

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

/** tfjs-layers' fit and the custom loops on a small 3-class problem. */
function blobs(n: number, seed: number): { x: tf.Tensor2D; labels: number[]; y: tf.Tensor2D } {
  const next = random(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const centres = [[0, 0], [2.5, 0], [0, 2.5]];
  const x: number[] = [];
  const l: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    l.push(k);
    x.push(centres[k][0] + gauss(), centres[k][1] + gauss());
  }
  return { x: tf.tensor2d(x, [n, 2]), labels: l, y: tf.cast(tf.oneHot(tf.tensor1d(l, 'int32'), 3), 'float32') as tf.Tensor2D };
}

function mlp(seed: number, logitsOut = false): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 16, activation: 'relu', inputShape: [2], kernelInitializer: tfl.initializers.glorotUniform({ seed }) }),
      tfl.layers.dense({ units: 3, activation: logitsOut ? 'linear' : 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`focal-loss-wasm/tfjs on tfjs' ${backend} backend`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      await tf.ready();
    });

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

    describe('training', () => {
      it('model.compile({ loss: tfFocalLoss(...) }) + fit decreases the loss, and leaks no tensor across epochs', async () => {
        const { x, y } = blobs(240, 31);
        const model = mlp(32);
        model.compile({ optimizer: tf.train.adam(0.03), loss: tfFocalLoss({ gamma: 2, alpha: [1, 2, 2] }) });
        // The first epoch creates the optimizer's slots; after it the count must stay put.
        const first = await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0, shuffle: false });
        const before = tf.memory().numTensors;
        const rest = await model.fit(x, y, { epochs: 12, batchSize: 32, verbose: 0, shuffle: false });
        expect(tf.memory().numTensors).toBe(before);
        const losses = [...(first.history.loss as number[]), ...(rest.history.loss as number[])];
        expect(losses.every(Number.isFinite)).toBe(true);
        expect(losses[losses.length - 1]).toBeLessThan(0.6 * losses[0]);
        model.dispose();
        tf.dispose([x, y]);
      });

      it('fit on logits (fromLogits, no softmax layer) learns the same problem', async () => {
        const { x, y, labels: l } = blobs(240, 33);
        const model = mlp(34, true);
        model.compile({ optimizer: tf.train.adam(0.03), loss: tfFocalLoss({ gamma: 2, fromLogits: true }) });
        const h = await model.fit(x, y, { epochs: 15, batchSize: 32, verbose: 0 });
        const losses = h.history.loss as number[];
        expect(losses[losses.length - 1]).toBeLessThan(0.6 * losses[0]);
        const predicted = tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, -1).dataSync());
        const accuracy = l.filter((k, i) => predicted[i] === k).length / l.length;
        expect(accuracy).toBeGreaterThan(0.8);
        model.dispose();
        tf.dispose([x, y]);
      });

      it('tf.variableGrads gives the gradients of the reference loss; a minimize loop converges with no leak', () => {
        const { x, labels: l } = blobs(150, 35);
        const yTrue = tf.tensor1d(l, 'int32');
        const rows = tf.oneHot(yTrue, 3);
        const next = random(36);
        const w = tf.variable(tf.tensor2d(Array.from({ length: 6 }, () => next() - 0.5), [2, 3]));
        const b = tf.variable(tf.zeros([3]));
        const options: TfFocalLossOptions = { gamma: 2, fromLogits: true, alpha: [1, 1.5, 0.5] };
        const loss = tfFocalLoss(options);
        const scores = () => tf.add(tf.matMul(x, w), b);

        tf.tidy(() => {
          const ours = tf.variableGrads(() => loss(yTrue, scores()));
          const ref = tf.variableGrads(() => focalReference(rows, scores(), options));
          expectTensorClose(ours.value, ref.value, 'value');
          for (const name of Object.keys(ref.grads)) expectTensorClose(ours.grads[name], ref.grads[name], `d/d${name}`);
        });

        const optimizer = tf.train.sgd(0.5);
        const step = () => optimizer.minimize(() => loss(yTrue, scores()), true)!;
        const start = step();
        const startLoss = start.dataSync()[0];
        start.dispose();
        const before = tf.memory().numTensors;
        let last = 0;
        for (let i = 0; i < 200; i++) {
          const v = step();
          last = v.dataSync()[0];
          v.dispose();
        }
        expect(tf.memory().numTensors).toBe(before);
        expect(last).toBeLessThan(0.5 * startLoss);
        optimizer.dispose();
        tf.dispose([x, yTrue, rows, w, b]);
      });

      it('works as a metric: logged under its name, evaluate gives the loss of the whole set', async () => {
        const { x, y } = blobs(120, 37);
        const model = mlp(38);
        const metric = tfFocalLoss({ gamma: 2 });
        model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: [metric] });
        const h = await model.fit(x, y, { epochs: 2, batchSize: 40, verbose: 0 });
        expect(Object.keys(h.history)).toContain('focalLoss');
        expect((h.history.focalLoss as number[]).every((v) => v > 0 && Number.isFinite(v))).toBe(true);
        const evaluate = () => {
          const [loss, value] = model.evaluate(x, y, { batchSize: 40 }) as tf.Scalar[];
          const whole = tf.tidy(() => metric(y, model.predict(x) as tf.Tensor));
          expect(value.dataSync()[0]).toBeCloseTo(whole.dataSync()[0], 5);
          tf.dispose([loss, value, whole]);
        };
        evaluate();
        const before = tf.memory().numTensors;
        await model.fit(x, y, { epochs: 3, batchSize: 40, verbose: 0 });
        evaluate();
        expect(tf.memory().numTensors).toBe(before);
        model.dispose();
        tf.dispose([x, y]);
      });

      it('tfBinaryFocalLoss trains a multi-label model with model.fit', async () => {
        const { x, labels: l } = blobs(180, 39);
        const y = tf.tensor2d(l.flatMap((k) => [k === 1 ? 1 : 0, k === 2 ? 1 : 0]), [l.length, 2]);
        const model = tfl.sequential({
          layers: [
            tfl.layers.dense({ units: 8, activation: 'relu', inputShape: [2], kernelInitializer: tfl.initializers.glorotUniform({ seed: 40 }) }),
            tfl.layers.dense({ units: 2, kernelInitializer: tfl.initializers.glorotUniform({ seed: 41 }) }),
          ],
        });
        model.compile({ optimizer: tf.train.adam(0.03), loss: tfBinaryFocalLoss({ gamma: 2, alpha: 0.25, fromLogits: true }) });
        await model.fit(x, y, { epochs: 1, batchSize: 30, verbose: 0 });
        const before = tf.memory().numTensors;
        const h = await model.fit(x, y, { epochs: 10, batchSize: 30, verbose: 0 });
        expect(tf.memory().numTensors).toBe(before);
        const losses = h.history.loss as number[];
        expect(losses[losses.length - 1]).toBeLessThan(0.7 * losses[0]);
        model.dispose();
        tf.dispose([x, y]);
      });
    });

    describe('inputs checked at the call', () => {
      const loss = tfFocalLoss();
      const p = () => tf.tensor2d([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]]);

      it('shapes that do not fit are a RangeError giving both shapes', () => {
        tf.tidy(() => {
          expect(() => loss(tf.tensor2d([[1, 0], [0, 1]]), p())).toThrow(RangeError);
          expect(() => loss(tf.tensor2d([[1, 0], [0, 1]]), p())).toThrow(/yTrue has shape \[2, 2\] but yPred has shape \[2, 3\]/);
          expect(() => loss(tf.tensor1d([0, 1, 2], 'int32'), p())).toThrow(RangeError);
          expect(() => loss(tf.tensor1d([0]), tf.tensor1d([0.5]))).toThrow(/yPred must have shape \[N, C\]/);
          expect(() => tfBinaryFocalLoss()(tf.tensor1d([0, 1]), tf.tensor1d([0.5, 0.5, 0.5]))).toThrow(RangeError);
          expect(() => tfFocalLoss({ classes: 4 })(tf.tensor1d([0, 1], 'int32'), p())).toThrow(/classes is 4/);
        });
      });

      it('a yTrue of no fitting shape gets the shapes that would fit, written as shapes (issue 16, item 12)', () => {
        tf.tidy(() => {
          expect(() => loss(tf.tensor1d([0, 1, 2, 0, 1]), p())).toThrow(
            /^tfFocalLoss: yTrue has shape \[5\] but yPred has shape \[2, 3\]; expected \[2, 3\] \(one-hot or soft target rows\), or \[2\] or \[2, 1\] \(class indices\)$/,
          );
          expect(() => loss(tf.zeros([4, 2, 2]), tf.zeros([4, 2, 3]))).toThrow(/expected \[4, 2, 3\] \(one-hot or soft target rows\), or \[4, 2\] or \[4, 2, 1\] \(class indices\)$/);
        });
      });

      it('a yPred with a dimension of 0 says so, naming no option the caller did not pass (issue 16, item 20)', () => {
        tf.tidy(() => {
          const empty = (call: () => unknown, fn: string, shape: string, what: string) => {
            expect(call).toThrow(RangeError);
            expect(call).toThrow(`${fn}: yPred has shape ${shape}, which holds no values: a batch needs at least ${what}`);
          };
          empty(() => loss(tf.zeros([2]), tf.zeros([2, 0])), 'tfFocalLoss', '[2, 0]', 'one sample and one class');
          empty(() => loss(tf.zeros([2, 0]), tf.zeros([2, 0])), 'tfFocalLoss', '[2, 0]', 'one sample and one class');
          empty(() => loss(tf.zeros([0], 'int32'), tf.zeros([0, 3])), 'tfFocalLoss', '[0, 3]', 'one sample and one class');
          empty(() => tfBinaryFocalLoss()(tf.zeros([2, 0]), tf.zeros([2, 0])), 'tfBinaryFocalLoss', '[2, 0]', 'one element');
          empty(() => tfBinaryFocalLoss()(tf.zeros([0]), tf.zeros([0])), 'tfBinaryFocalLoss', '[0]', 'one element');
        });
      });

      it('a disposed tensor is a TypeError naming the argument (not TF.js\' own "Tensor is disposed.")', () => {
        const disposed = (t: tf.Tensor) => {
          t.dispose();
          return t;
        };
        const cases: Array<[string, string, () => unknown]> = [
          ['tfFocalLoss', 'yPred', () => loss(tf.tensor1d([0, 1], 'int32'), disposed(p()))],
          ['tfFocalLoss', 'yTrue', () => loss(disposed(tf.tensor1d([0, 1], 'int32')), p())],
          ['tfBinaryFocalLoss', 'yTrue', () => tfBinaryFocalLoss()(disposed(tf.tensor1d([0, 1])), tf.tensor1d([0.5, 0.5]))],
          ['tfBinaryFocalLoss', 'yPred', () => tfBinaryFocalLoss()(tf.tensor1d([0, 1]), disposed(tf.tensor1d([0.5, 0.5])))],
        ];
        for (const [fn, name, call] of cases) {
          tf.tidy(() => {
            expect(call, `${fn} ${name}`).toThrow(TypeError);
            expect(call, `${fn} ${name}`).toThrow(new RegExp(`^${fn}: ${name} is a disposed tensor`));
          });
        }
        // Nothing was left behind, and the loss works after.
        const before = tf.memory().numTensors;
        tf.tidy(() => {
          expect(Number.isFinite(loss(tf.tensor1d([0, 1], 'int32'), p()).dataSync()[0])).toBe(true);
        });
        expect(tf.memory().numTensors).toBe(before);
      });

      it('bad values are the array API\'s RangeErrors, named after the adapter', () => {
        tf.tidy(() => {
          expect(() => loss(tf.tensor1d([0, 3], 'int32'), p())).toThrow(/^tfFocalLoss: yTrue\[1\] = 3 is not a class index/);
          expect(() => loss(tf.tensor1d([0, 1.5]), p())).toThrow(RangeError);
          expect(() => loss(tf.tensor1d([0, 1], 'int32'), tf.tensor2d([[2, -1, 0], [0, 1, 0]]))).toThrow(/fromLogits/);
          expect(() => tfFocalLoss({ alpha: [1, 2] })(tf.tensor1d([0, 1], 'int32'), p())).toThrow(/^tfFocalLoss: alpha has 2 weights/);
          expect(() => tfFocalLoss({ ignoreIndex: -1 })(tf.tensor2d([[1, 0, 0], [0, 1, 0]]), p())).toThrow(RangeError);
          expect(() => tfBinaryFocalLoss()(tf.tensor1d([0, 2]), tf.tensor1d([0.5, 0.5]))).toThrow(/^tfBinaryFocalLoss: yTrue\[1\] = 2/);
        });
      });

      it('wrong types are TypeErrors', () => {
        tf.tidy(() => {
          expect(() => loss([0, 1] as never, p())).toThrow(TypeError);
          expect(() => loss(tf.tensor1d([0, 1], 'int32'), { dataSync: () => [0.5], shape: [1] } as never)).toThrow(/another copy/);
          expect(() => loss(tf.tensor1d([0, 1], 'int32'), tf.tensor2d([[1, 0], [0, 1]], [2, 2], 'int32'))).toThrow(/yPred must be a float32 tensor/);
          expect(() => loss(tf.tensor1d(['a', 'b']), p())).toThrow(TypeError);
        });
      });

      it('probabilities a float32 softmax rounded just past 1 or 0 are clamped, not rejected', () => {
        tf.tidy(() => {
          const yTrue = tf.tensor1d([0, 1], 'int32');
          const over = tf.tensor2d([[1.0000001, 0, -1e-7], [0.2, 0.8, 0]]);
          const exact = tf.tensor2d([[1, 0, 0], [0.2, 0.8, 0]]);
          expectTensorClose(loss(yTrue, over), loss(yTrue, exact), 'loss');
          expectTensorClose(tf.grad((q: tf.Tensor) => loss(yTrue, q))(over), tf.grad((q: tf.Tensor) => loss(yTrue, q))(exact), 'gradient');
          expect(over.dataSync()[0]).toBe(Math.fround(1.0000001));
        });
      });

      it('one-hot rows may be float32, int32 or bool', () => {
        tf.tidy(() => {
          const rows = [[1, 0, 0], [0, 0, 1]];
          const want = loss(tf.tensor2d(rows), p()).dataSync()[0];
          expect(loss(tf.tensor2d(rows, [2, 3], 'int32'), p()).dataSync()[0]).toBe(want);
          expect(loss(tf.tensor2d(rows, [2, 3], 'bool'), p()).dataSync()[0]).toBe(want);
          expect(loss(tf.tensor1d([0, 2], 'int32'), p()).dataSync()[0]).toBe(want);
        });
      });

      it('ignoreIndex leaves samples out of the mean', () => {
        tf.tidy(() => {
          const withIgnored = tfFocalLoss({ ignoreIndex: -1 })(tf.tensor1d([0, -1], 'int32'), p());
          const alone = loss(tf.tensor1d([0], 'int32'), tf.tensor2d([[0.7, 0.2, 0.1]]));
          expectTensorClose(withIgnored, alone, 'loss');
          const g = tf.grad((q: tf.Tensor) => tfFocalLoss({ ignoreIndex: -1 })(tf.tensor1d([0, -1], 'int32'), q))(p());
          expect(Array.from(g.dataSync()).slice(3)).toEqual([0, 0, 0]);
        });
      });
    });
  });
}

describe('options are checked when the loss is created', () => {
  const focal: Array<[unknown, ErrorConstructor, RegExp]> = [
    [{ gamma: -1 }, RangeError, /^tfFocalLoss: gamma/],
    [{ gamma: NaN }, RangeError, /gamma/],
    [{ gamma: '2' }, TypeError, /gamma/],
    [{ alpha: -0.5 }, RangeError, /alpha/],
    [{ alpha: [1, NaN] }, RangeError, /alpha\[1\]/],
    [{ alpha: 'x' }, TypeError, /alpha/],
    [{ alpha: [1, 2], classes: 3 }, RangeError, /alpha has 2 weights but classes is 3/],
    [{ fromLogits: 'yes' }, TypeError, /fromLogits/],
    [{ epsilon: 0.5 }, RangeError, /epsilon/],
    [{ labelSmoothing: 1.5 }, RangeError, /labelSmoothing/],
    [{ reduction: 'none' }, RangeError, /reduction must be "mean" or "sum"/],
    [{ reduction: 'weightedMean' }, RangeError, /reduction/],
    [{ reduction: 1 }, TypeError, /reduction/],
    [{ ignoreIndex: 0.5 }, RangeError, /ignoreIndex/],
    [{ classes: 0 }, RangeError, /classes/],
    [{ backend: 'gpu' }, RangeError, /backend/],
    [{ sampleWeight: [1, 2] }, TypeError, /option "sampleWeight" is not supported/],
    [{ gradOut: new Float32Array(3) }, TypeError, /gradOut/],
    [{ normalizer: 2 }, TypeError, /normalizer/],
    [{ gama: 2 }, TypeError, /unknown option "gama" \(did you mean "gamma"\?\)/],
    [[2], TypeError, /options must be an object/],
    [2, TypeError, /options must be an object/],
  ];
  for (const [options, type, message] of focal) {
    it(`tfFocalLoss(${JSON.stringify(options)}) throws a ${type.name}`, () => {
      expect(() => tfFocalLoss(options as TfFocalLossOptions)).toThrow(type);
      expect(() => tfFocalLoss(options as TfFocalLossOptions)).toThrow(message);
    });
  }

  const binary: Array<[unknown, ErrorConstructor, RegExp]> = [
    [{ alpha: 1.5 }, RangeError, /^tfBinaryFocalLoss: alpha must be in \[0, 1\]/],
    [{ alpha: [0.25] }, TypeError, /alpha/],
    [{ gamma: Infinity }, RangeError, /gamma/],
    [{ reduction: 'none' }, RangeError, /reduction/],
    [{ classes: 0 }, RangeError, /classes must be a positive integer/],
    [{ ignoreIndex: 1 }, TypeError, /unknown option "ignoreIndex"/],
    [{ sampleWeight: [1] }, TypeError, /sampleWeight/],
  ];
  for (const [options, type, message] of binary) {
    it(`tfBinaryFocalLoss(${JSON.stringify(options)}) throws a ${type.name}`, () => {
      expect(() => tfBinaryFocalLoss(options as TfBinaryFocalLossOptions)).toThrow(type);
      expect(() => tfBinaryFocalLoss(options as TfBinaryFocalLossOptions)).toThrow(message);
    });
  }

  it('keeps the options it was created with', () => {
    const options: TfFocalLossOptions = { gamma: 0 };
    const loss = tfFocalLoss(options);
    options.gamma = 5;
    const value = tf.tidy(() => loss(tf.tensor1d([0], 'int32'), tf.tensor2d([[0.5, 0.5]])).dataSync()[0]);
    expect(value).toBeCloseTo(Math.log(2), 6);
  });
});

describe('packaging', () => {
  it('the main entry never imports @tensorflow/tfjs-core; the tfjs entry imports only it', async () => {
    const main = await build({ entryPoints: [join(root, 'dist/index.js')], bundle: true, write: false, metafile: true, format: 'esm', logLevel: 'silent' });
    expect(Object.keys(main.metafile.inputs).filter((f) => f.includes('@tensorflow') || f.endsWith('tfjs.js'))).toEqual([]);
    const adapter = await build({
      entryPoints: [join(root, 'dist/tfjs.js')], bundle: true, write: false, metafile: true, format: 'esm', logLevel: 'silent',
      packages: 'external',
    });
    const external = Object.values(adapter.metafile.outputs)[0].imports.filter((i) => i.external).map((i) => i.path);
    expect([...new Set(external)]).toEqual(['@tensorflow/tfjs-core']);
  });

  describe('the packed package', () => {
    let dir: string;
    beforeAll(() => {
      dir = installPacked();
      // The peer dependency, as an app that uses TensorFlow.js has it.
      mkdirSync(join(dir, 'node_modules', '@tensorflow'), { recursive: true });
      for (const p of ['tfjs-core', 'tfjs-backend-cpu']) {
        symlinkSync(join(root, 'node_modules', '@tensorflow', p), join(dir, 'node_modules', '@tensorflow', p));
      }
    }, 120_000);

    it('exports focal-loss-wasm/tfjs with its declarations, importable in Node', () => {
      const script = `import * as tf from '@tensorflow/tfjs-core'; import '@tensorflow/tfjs-backend-cpu';
        import { tfFocalLoss } from 'focal-loss-wasm/tfjs';
        await tf.setBackend('cpu');
        console.log(tfFocalLoss({ gamma: 0 })(tf.tensor1d([0], 'int32'), tf.tensor2d([[0.5, 0.5]])).dataSync()[0]);`;
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
      expect(Number(out.trim().split('\n').pop())).toBeCloseTo(Math.log(2), 6);
    });

    it('type-checks a model.compile-style use against the shipped declarations', () => {
      const tsc = join(root, 'node_modules/typescript/bin/tsc');
      const file = join(dir, 'use-tfjs.ts');
      execFileSync('sh', ['-c', `cat > ${file}`], {
        input: `import * as tf from '@tensorflow/tfjs-core';
          import { tfFocalLoss, tfBinaryFocalLoss, type TfLossFunction } from 'focal-loss-wasm/tfjs';
          const loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar = tfFocalLoss({ gamma: 2, alpha: [1, 2], fromLogits: true });
          const binary: TfLossFunction = tfBinaryFocalLoss({ alpha: 0.25, reduction: 'sum' });
          export { loss, binary };`,
      });
      execFileSync('sh', ['-c', `echo '{ "type": "module" }' > package.json`], { cwd: dir });
      execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom', 'use-tfjs.ts'], { cwd: dir, encoding: 'utf8' });
    });
  });
});

afterAll(() => {
  tf.disposeVariables();
});
