// Does focal loss help a small model on an imbalanced problem? `node bench/train-comparison.mjs`
// (after `npm run build`) trains one tfjs-layers MLP with categoricalCrossentropy and with
// focal-loss-wasm/tfjs's tfFocalLoss, on seeded synthetic data, over several seeds, and prints
// a Markdown table of mean ± sd (also written to docs/train-comparison.md).
//
// Options: --seeds=N (default 5), --epochs=N (default 20), --backend=wasm|cpu (default wasm),
// --quick (2 seeds, 3 epochs, a smaller set: checks that the script runs).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { tfFocalLoss } from '../dist/tfjs.js';
import { backendInfo } from '../dist/index.js';
import { random } from './random.mjs';

const arg = (name, fallback) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
};
const quick = process.argv.includes('--quick');
const SEEDS = Number(arg('seeds', quick ? 2 : 5));
const EPOCHS = Number(arg('epochs', quick ? 3 : 20));
const BACKEND = arg('backend', 'wasm');
const log = (line) => process.stderr.write(`${line}\n`);

// --- The problem --------------------------------------------------------------------------------
// Three classes in 10-D, counts 1 : 5 : 50 (class 0 is the minority), unit-variance Gaussian
// blobs whose means lie 2.2 apart pairwise (three vertices of a regular simplex), so the
// classes overlap: the Bayes classifier under these priors misses many minority samples.
const DIM = 10;
const CLASSES = 3;
const RATIO = [1, 5, 50];
const TRAIN_PER_UNIT = quick ? 30 : 100; // 100 : 500 : 5000 training samples
const TEST_PER_UNIT = quick ? 60 : 200; // 200 : 1000 : 10000 test samples, the same imbalance
const SEPARATION = 2.2;
const MEANS = [0, 1, 2].map((k) => Array.from({ length: DIM }, (_, d) => (d === k ? SEPARATION / Math.SQRT2 : 0)));

function gaussian(rand) {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function sample(perUnit, rand) {
  const labels = [];
  for (let k = 0; k < CLASSES; k++) for (let i = 0; i < RATIO[k] * perUnit; i++) labels.push(k);
  const x = new Float32Array(labels.length * DIM);
  labels.forEach((k, i) => {
    for (let d = 0; d < DIM; d++) x[i * DIM + d] = MEANS[k][d] + gaussian(rand);
  });
  return { x, labels };
}

function shuffled(data, rand) {
  const order = data.labels.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const x = new Float32Array(data.x.length);
  order.forEach((from, to) => x.set(data.x.subarray(from * DIM, (from + 1) * DIM), to * DIM));
  return { x, labels: order.map((i) => data.labels[i]) };
}

// --- The losses -----------------------------------------------------------------------------
// α "balanced": 1 / (C · class frequency), so the average sample weight is 1 (sklearn's
// class_weight='balanced'): [18.7, 3.73, 0.373].
const total = RATIO.reduce((a, b) => a + b, 0);
const ALPHA = RATIO.map((r) => total / (CLASSES * r));
const VARIANTS = [
  { id: 'ce', name: 'categoricalCrossentropy', loss: () => 'categoricalCrossentropy' },
  { id: 'focal', name: 'tfFocalLoss γ 2', loss: () => tfFocalLoss({ gamma: 2 }) },
  { id: 'focal-alpha', name: 'tfFocalLoss γ 2, α balanced', loss: () => tfFocalLoss({ gamma: 2, alpha: ALPHA }) },
  { id: 'weighted-ce', name: 'weighted CE (tfFocalLoss γ 0, α balanced)', loss: () => tfFocalLoss({ gamma: 0, alpha: ALPHA }) },
];

// --- Training -------------------------------------------------------------------------------
function model(seed) {
  const init = (k) => tfl.initializers.glorotUniform({ seed: seed * 10 + k });
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 32, activation: 'relu', inputShape: [DIM], kernelInitializer: init(1) }),
      tfl.layers.dense({ units: 32, activation: 'relu', kernelInitializer: init(2) }),
      tfl.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: init(3) }),
    ],
  });
  return m;
}

async function train(variant, seed, trainSet, testSet) {
  const m = model(seed);
  m.compile({ optimizer: tf.train.adam(0.003), loss: variant.loss() });
  const rand = random(seed * 7919 + 1);
  let trainMs = 0;
  let cpuMs = 0;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    // fit's own shuffle uses Math.random; a seeded shuffle per epoch keeps runs reproducible.
    const s = shuffled(trainSet, rand);
    const x = tf.tensor2d(s.x, [s.labels.length, DIM]);
    const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(s.labels, 'int32'), CLASSES), 'float32'));
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await m.fit(x, y, { epochs: 1, batchSize: 64, shuffle: false, verbose: 0 });
    trainMs += performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpuMs += (c.user + c.system) / 1000;
    tf.dispose([x, y]);
  }
  const predicted = tf.tidy(() => {
    const x = tf.tensor2d(testSet.x, [testSet.labels.length, DIM]);
    return tf.argMax(m.predict(x, { batchSize: 1024 }), -1).dataSync();
  });
  m.dispose();
  return { ...scores(testSet.labels, predicted), msPerEpoch: trainMs / EPOCHS, cpuMsPerEpoch: cpuMs / EPOCHS };
}

function scores(labels, predicted) {
  const confusion = Array.from({ length: CLASSES }, () => new Array(CLASSES).fill(0));
  labels.forEach((k, i) => confusion[k][predicted[i]]++);
  const recall = confusion.map((row, k) => row[k] / row.reduce((a, b) => a + b, 0));
  const predictedAs0 = confusion.reduce((a, row) => a + row[0], 0);
  return {
    minorityRecall: recall[0],
    minorityPrecision: predictedAs0 === 0 ? 0 : confusion[0][0] / predictedAs0,
    middleRecall: recall[1],
    accuracy: confusion.reduce((a, row, k) => a + row[k], 0) / labels.length,
    balancedAccuracy: recall.reduce((a, b) => a + b, 0) / CLASSES,
  };
}

// --- Report ---------------------------------------------------------------------------------
const METRICS = [
  ['minorityRecall', 'minority recall (class 0)', 3],
  ['minorityPrecision', 'minority precision', 3],
  ['middleRecall', 'class 1 recall', 3],
  ['accuracy', 'accuracy', 3],
  ['balancedAccuracy', 'balanced accuracy', 3],
  ['msPerEpoch', 'ms / epoch (wall)', 0],
  ['cpuMsPerEpoch', 'CPU ms / epoch', 0],
];

function meanSd(values) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, sd };
}

function table(results) {
  const lines = [
    `| loss | ${METRICS.map(([, title]) => title).join(' | ')} |`,
    `|---|${METRICS.map(() => '---:').join('|')}|`,
  ];
  for (const v of VARIANTS) {
    const cells = METRICS.map(([key, , digits]) => {
      const { mean, sd } = meanSd(results[v.id].map((r) => r[key]));
      return `${mean.toFixed(digits)} ± ${sd.toFixed(digits)}`;
    });
    lines.push(`| ${v.name} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Paired differences against cross-entropy (same seed, same data, same initial weights). */
function paired(results) {
  const lines = ['| loss − CE, paired by seed | minority recall | minority precision | accuracy | balanced accuracy |', '|---|---:|---:|---:|---:|'];
  for (const v of VARIANTS.slice(1)) {
    const cells = ['minorityRecall', 'minorityPrecision', 'accuracy', 'balancedAccuracy'].map((key) => {
      const { mean, sd } = meanSd(results[v.id].map((r, i) => r[key] - results.ce[i][key]));
      const wins = results[v.id].filter((r, i) => r[key] > results.ce[i][key]).length;
      return `${mean >= 0 ? '+' : ''}${mean.toFixed(3)} ± ${sd.toFixed(3)} (${wins}/${SEEDS} up)`;
    });
    lines.push(`| ${v.name} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

async function main() {
  if (!(await tf.setBackend(BACKEND))) throw new Error(`tfjs backend ${BACKEND} did not initialise`);
  await tf.ready();
  const started = performance.now();
  const results = Object.fromEntries(VARIANTS.map((v) => [v.id, []]));
  for (let seed = 1; seed <= SEEDS; seed++) {
    const rand = random(seed);
    const trainSet = sample(TRAIN_PER_UNIT, rand);
    const testSet = sample(TEST_PER_UNIT, rand);
    // Rotate the order each seed, so no loss always runs first (JIT warm-up, heap state).
    for (let k = 0; k < VARIANTS.length; k++) {
      const v = VARIANTS[(k + seed - 1) % VARIANTS.length];
      const r = await train(v, seed, trainSet, testSet);
      results[v.id][seed - 1] = r;
      log(`seed ${seed} ${v.name}: minority recall ${r.minorityRecall.toFixed(3)}, precision ${r.minorityPrecision.toFixed(3)}, ` +
        `accuracy ${r.accuracy.toFixed(3)}, balanced ${r.balancedAccuracy.toFixed(3)}, ${r.msPerEpoch.toFixed(0)} ms/epoch (${r.cpuMsPerEpoch.toFixed(0)} CPU ms)`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const nTrain = RATIO.map((r) => r * TRAIN_PER_UNIT);
  const nTest = RATIO.map((r) => r * TEST_PER_UNIT);
  const md = [
    '# Training comparison: categoricalCrossentropy vs tfFocalLoss',
    '',
    `Generated by \`node bench/train-comparison.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\` on ` +
      `${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}; tfjs ${tf.version_core} ` +
      `${tf.getBackend()} backend; focal-loss-wasm kernel: ${backendInfo().backend}; ${seconds.toFixed(0)} s in all; ${new Date().toISOString()}.`,
    '',
    `Problem: ${CLASSES} classes in ${DIM}-D, counts ${RATIO.join(' : ')} (train ${nTrain.join(' / ')}, test ${nTest.join(' / ')}, ` +
      `drawn afresh for each seed), unit-variance Gaussian blobs with means ${SEPARATION} apart (they overlap). ` +
      `Model: MLP ${DIM}-32-32-${CLASSES} (relu, softmax), glorot-uniform init seeded per seed (the same initial weights for every loss), ` +
      `adam (lr 0.003), batch 64, ${EPOCHS} epochs, a seeded shuffle per epoch; prediction = argmax. ` +
      `α balanced = 1 / (C · class frequency) = [${ALPHA.map((a) => a.toFixed(3)).join(', ')}]. ` +
      `Mean ± sd over ${SEEDS} seeds; "ms / epoch" is model.fit's wall time per epoch, "CPU ms" the process's user + system ` +
      `time over the same calls (less sensitive to other load on the machine; load average at the end: ${os.loadavg()[0].toFixed(1)}).`,
    '',
    table(results),
    '',
    paired(results),
    '',
  ].join('\n');
  process.stdout.write(`${md}\n`);
  if (!quick) {
    mkdirSync(new URL('../docs/', import.meta.url), { recursive: true });
    writeFileSync(new URL('../docs/train-comparison.md', import.meta.url), md);
    log('written to docs/train-comparison.md');
  }
}

await main();
