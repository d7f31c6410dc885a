// focal-loss-wasm/tfjs in training, on tfjs' cpu and wasm backends: tfjs-layers' model.fit,
// custom loops (tf.variableGrads, optimizer.minimize), metrics, and no tensor leaked. Gradients
// are checked against the op-composed reference (test/tfjs-reference.ts).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { tfBinaryFocalLoss, tfFocalLoss, type TfFocalLossOptions } from '../../src/tfjs.js';
import { random } from '../random.js';
import { expectTensorClose, focalReference } from '../tfjs-reference.js';
import { forEachBackend } from './tfjs-helpers.js';

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

forEachBackend(() => {
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
});

afterAll(() => {
  tf.disposeVariables();
});
