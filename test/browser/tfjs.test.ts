import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfBinaryFocalLoss, tfFocalLoss, type TfFocalLossOptions } from '../../src/tfjs.js';
import { random } from '../random.js';
import { binaryReference, expectTensorClose, focalReference, softmaxRows } from '../tfjs-reference.js';

// focal-loss-wasm/tfjs in Chromium, on the webgl backend when it initialises headless (Debian's
// Chromium renders WebGL 2 with SwiftShader, on the CPU), else on the cpu backend. The last
// test measures what reading yPred back with dataSync() costs a training step there.

let backend = 'cpu';

beforeAll(async () => {
  try {
    if (await tf.setBackend('webgl')) backend = 'webgl';
  } catch {
    // no WebGL here: stay on cpu
  }
  if (backend !== 'webgl') await tf.setBackend('cpu');
  await tf.ready();
  console.log(`tfjs backend: ${tf.getBackend()}${backend === 'webgl' ? ` (WebGL ${tf.env().getNumber('WEBGL_VERSION')})` : ' (webgl did not initialise)'}`);
});

// float32 on a GPU (or SwiftShader) is looser than on the CPU.
const GPU = { rtol: 1e-4, floor: 1e-9 };

function scores(n: number, c: number, seed: number): tf.Tensor2D {
  const next = random(seed);
  return tf.tensor2d(Array.from({ length: n * c }, () => (next() - 0.5) * 8), [n, c]);
}

function classIndices(n: number, c: number, seed: number): number[] {
  const next = random(seed);
  return Array.from({ length: n }, () => Math.floor(next() * c));
}

describe('focal-loss-wasm/tfjs in Chromium', () => {
  it('matches the op-composed reference under tf.grad (probabilities, sparse labels, α)', { timeout: 120_000 }, () => {
    tf.tidy(() => {
      const l = classIndices(16, 4, 1);
      const options: TfFocalLossOptions = { gamma: 2, alpha: [0.5, 1, 2, 1] };
      const yPred = tf.tensor2d(softmaxRows(16, 4, 2, 2), [16, 4]);
      const rows = tf.oneHot(tf.tensor1d(l, 'int32'), 4);
      const loss = tfFocalLoss(options);
      const yTrue = tf.tensor1d(l, 'int32');
      const ref = (p: tf.Tensor) => focalReference(rows, p, options);
      expectTensorClose(loss(yTrue, yPred), ref(yPred), 'loss', GPU);
      expectTensorClose(tf.grad((p: tf.Tensor) => loss(yTrue, p))(yPred), tf.grad(ref)(yPred), 'gradient', GPU);
    });
  });

  it('matches the reference on logits with one-hot rows, and the binary loss on multi-label logits', { timeout: 120_000 }, () => {
    tf.tidy(() => {
      const rows = tf.cast(tf.oneHot(tf.tensor1d(classIndices(12, 3, 3), 'int32'), 3), 'float32');
      const logits = scores(12, 3, 4);
      const options: TfFocalLossOptions = { gamma: 1.5, fromLogits: true, labelSmoothing: 0.1 };
      const loss = tfFocalLoss(options);
      const ref = (p: tf.Tensor) => focalReference(rows, p, options);
      expectTensorClose(loss(rows, logits), ref(logits), 'loss', GPU);
      expectTensorClose(tf.grad((p: tf.Tensor) => loss(rows, p))(logits), tf.grad(ref)(logits), 'gradient', GPU);

      const next = random(5);
      const targets = tf.tensor2d(Array.from({ length: 24 }, () => (next() < 0.3 ? 1 : 0)), [6, 4]);
      const multi = scores(6, 4, 6);
      const binary = tfBinaryFocalLoss({ gamma: 2, alpha: 0.25, fromLogits: true });
      const bref = (p: tf.Tensor) => binaryReference(targets, p, { gamma: 2, alpha: 0.25, fromLogits: true });
      expectTensorClose(binary(targets, multi), bref(multi), 'binary loss', GPU);
      expectTensorClose(tf.grad((p: tf.Tensor) => binary(targets, p))(multi), tf.grad(bref)(multi), 'binary gradient', GPU);
    });
  });

  it('trains a tfjs-layers model with model.fit, leaking no tensor', { timeout: 300_000 }, async () => {
    const next = random(7);
    const n = 192;
    const x = tf.tensor2d(Array.from({ length: n * 2 }, (_, i) => (next() - 0.5) * 2 + ((Math.floor(i / 2) % 3) === (i % 2) ? 2 : 0)), [n, 2]);
    const y = tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 3), 'int32'), 3), 'float32');
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 16, activation: 'relu', inputShape: [2], kernelInitializer: tfl.initializers.glorotUniform({ seed: 8 }) }),
        tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 9 }) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.03), loss: tfFocalLoss({ gamma: 2 }), metrics: [tfFocalLoss({ gamma: 0 })] });
    const first = await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
    const before = tf.memory().numTensors;
    const rest = await model.fit(x, y, { epochs: 10, batchSize: 32, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    const losses = [...(first.history.loss as number[]), ...(rest.history.loss as number[])];
    expect(losses[losses.length - 1]).toBeLessThan(0.7 * losses[0]);
    expect(Object.keys(rest.history)).toContain('focalLoss');
    model.dispose();
    tf.dispose([x, y]);
  });

  it('measures what dataSync() costs a training step (logged)', async () => {
    const ROUNDS = 3;
    const STEPS = 3;
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    const rows: string[] = [];
    for (const [batch, classes] of [[64, 10], [512, 10], [512, 100]] as const) {
      const next = random(batch + classes);
      const x = tf.tensor2d(Array.from({ length: batch * 32 }, () => next() - 0.5), [batch, 32]);
      const y = tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: batch }, () => Math.floor(next() * classes)), 'int32'), classes), 'float32');
      const model = tfl.sequential({
        layers: [
          tfl.layers.dense({ units: 128, activation: 'relu', inputShape: [32] }),
          tfl.layers.dense({ units: 128, activation: 'relu' }),
          tfl.layers.dense({ units: classes, activation: 'softmax' }),
        ],
      });
      const optimizer = tf.train.adam(1e-3);
      const focal = tfFocalLoss({ gamma: 2 });
      const ce = () => tf.mean(tfl.metrics.categoricalCrossentropy(y, model.apply(x) as tf.Tensor)) as tf.Scalar;
      const fl = () => focal(y, model.apply(x) as tf.Tensor);
      /** A 1-value readback: waits for the GPU without copying yPred. */
      const sync = () => tf.tidy(() => tf.sum(model.apply(x) as tf.Tensor).dataSync());
      const variants: Record<string, () => void> = {
        // Training steps; 'pipelined' reads nothing back until the round ends.
        pipelined: () => optimizer.minimize(ce, false),
        ceRead: () => optimizer.minimize(ce, true)!.dispose(),
        focal: () => optimizer.minimize(fl, true)!.dispose(),
        // Forward passes: waiting for the GPU, and waiting plus copying yPred to the CPU.
        forwardSync: () => sync(),
        forwardRead: () => tf.tidy(() => (model.apply(x) as tf.Tensor).dataSync()),
      };
      const ms: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
      for (let round = -1; round < ROUNDS; round++) {
        // Round -1 warms up (shader compilation, optimizer slots); the order rotates each round.
        const names = Object.keys(variants);
        const order = names.map((_, i) => names[(i + Math.max(round, 0)) % names.length]);
        for (const name of order) {
          sync();
          const t0 = performance.now();
          for (let i = 0; i < STEPS; i++) variants[name]();
          sync();
          if (round >= 0) ms[name].push((performance.now() - t0) / STEPS);
        }
      }
      const m = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)]));
      rows.push(
        `| ${batch} × ${classes} | ${m.pipelined.toFixed(1)} | ${m.ceRead.toFixed(1)} | ${m.focal.toFixed(1)} | ` +
          `${(m.focal / m.ceRead).toFixed(2)}× | ${m.forwardSync.toFixed(1)} | ${m.forwardRead.toFixed(1)} | ${(m.forwardRead - m.forwardSync).toFixed(1)} |`,
      );
      expect(Object.values(m).every(Number.isFinite)).toBe(true);
      model.dispose();
      optimizer.dispose();
      tf.dispose([x, y]);
    }
    console.log(
      [
        `ms per step on tfjs ${tf.getBackend()} in headless Chromium (MLP 32-128-128-C, adam; median of ${ROUNDS} interleaved rounds of ${STEPS} steps; each round ends with a 1-value readback):`,
        '| batch × classes | CE, pipelined | CE + loss read each step | tfFocalLoss | focal / CE+read | forward + 1-value read | forward + yPred.dataSync() | yPred readback |',
        '|---|---:|---:|---:|---:|---:|---:|---:|',
        ...rows,
      ].join('\n'),
    );
  }, 600_000);
});
