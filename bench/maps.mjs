// The segmentation workloads D1 (loss) and D2 (loss + gradient): 4 × 19 × 256 × 256 float32
// logits channels-first (NCHW, as PyTorch and ONNX models write them; Cityscapes' 19
// classes), one label per pixel. Their data, and their contenders: a hand-written JS loop over
// NCHW, the library on NCHW (shape + axis 1) and on the same values channels-last, and
// TensorFlow.js wasm's softmaxCrossEntropy-based focal loss on the transposed tensor. Results
// are checked against the float64 reference of the channels-last values (bench/contenders.mjs).
import * as tf from '@tensorflow/tfjs-core';
import { focalLoss, focalLossGrad } from '../dist/index.js';
import { useTf } from './contenders.mjs';
import { random } from './random.mjs';

/** yPred's dimensions for N pixels: the workload's own, or 4 images of N / 4 pixels (quick mode). */
export function mapDims(w, n) {
  return n === w.n ? w.map : [w.map[0], w.map[1], Math.max(1, Math.round(n / w.map[0]))];
}

/** Moves the class axis (1) of flat [N, C, ...] values to the end. */
export function toChannelsLast(values, dims) {
  const [n, c] = dims;
  const pixels = values.length / (n * c);
  const out = new values.constructor(values.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) {
      const from = (i * c + k) * pixels;
      const to = i * pixels * c + k;
      for (let j = 0; j < pixels; j++) out[to + j * c] = values[from + j];
    }
  }
  return out;
}

/** A map workload's data: labels per pixel, NCHW logits (`flat`), the same channels-last (`flatLast`). */
export function makeMapData(w, seed, n) {
  const dims = mapDims(w, n);
  const pixels = dims[0] * dims.slice(2).reduce((a, b) => a * b, 1);
  const rand = random(seed);
  const yTrue = new Int32Array(pixels);
  for (let i = 0; i < pixels; i++) yTrue[i] = Math.floor(rand() * w.classes);
  const flat = new Float32Array(pixels * w.classes);
  for (let k = 0; k < flat.length; k++) flat[k] = (rand() - 0.5) * 8;
  return { n: pixels, dims, yTrue, flat, flatLast: toChannelsLast(flat, dims), flat32: null, rows: null, alpha: undefined };
}

/** The hand-written loop over NCHW: strided class reads, one pass for the max, one for exp. */
function handLoss(y, z, dims, gamma) {
  const [n, c] = dims;
  const p = z.length / (n * c);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const base = i * c * p + j;
      let m = -Infinity;
      for (let k = 0; k < c; k++) if (z[base + k * p] > m) m = z[base + k * p];
      let s = 0;
      for (let k = 0; k < c; k++) s += Math.exp(z[base + k * p] - m);
      const logP = z[base + y[i * p + j] * p] - m - Math.log(s);
      const q = 1 - Math.exp(logP);
      total -= (gamma === 2 ? q * q : q ** gamma) * logP;
    }
  }
  return total / (n * p);
}

/** The same with the gradient of the mean into `grad` (NCHW), exps kept in a scratch row. */
function handLossGrad(y, z, dims, gamma, grad) {
  const [n, c] = dims;
  const p = z.length / (n * c);
  const e = new Float64Array(c);
  const invN = 1 / (n * p);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const base = i * c * p + j;
      const t = y[i * p + j];
      let m = -Infinity;
      for (let k = 0; k < c; k++) if (z[base + k * p] > m) m = z[base + k * p];
      let rest = 0;
      for (let k = 0; k < c; k++) {
        e[k] = Math.exp(z[base + k * p] - m);
        if (k !== t) rest += e[k];
      }
      const s = e[t] + rest;
      const pt = e[t] / s;
      const q = rest / s;
      const logP = z[base + t * p] - m - Math.log(s);
      const qg1 = gamma === 2 ? q : q ** (gamma - 1);
      total -= qg1 * q * logP;
      const f = (gamma * qg1 * pt * logP - qg1 * q) * invN;
      for (let k = 0; k < c; k++) grad[base + k * p] = (-f * e[k]) / s;
      grad[base + t * p] = f * q;
    }
  }
  return total * invN;
}

/** Focal loss from TensorFlow.js' softmaxCrossEntropy: ce per pixel, p_t = e^-ce, mean of (1 − p_t)^γ · ce. */
function tfFocal(logitsLast, oneHot, gamma) {
  const ce = tf.losses.softmaxCrossEntropy(oneHot, logitsLast, undefined, 0, tf.Reduction.NONE);
  return tf.mean(tf.mul(tf.pow(tf.sub(1, tf.exp(tf.neg(ce))), gamma), ce));
}

/** The contenders of D1 (loss) and D2 (loss + gradient). */
export function mapLineup(w, data, { tfBackends }) {
  const d = () => data.current;
  const base = () => ({ gamma: w.gamma, fromLogits: true });
  const first = () => ({ ...base(), shape: d().dims, axis: 1 });
  const last = () => ({ ...base(), classes: w.classes });
  const outputs = {};
  const out = (key) => (outputs[key] ??= new Float32Array(d().flat.length));
  // Gradients of the channels-first contenders are compared with the channels-last reference.
  const checked = (result) => ({ loss: result.loss, grad: toChannelsLast(result.grad, d().dims) });
  const grad = (key, backend, layout) => {
    const run = () => (layout === 'first'
      ? focalLossGrad(d().yTrue, d().flat, { ...first(), backend, gradOut: out(key) })
      : focalLossGrad(d().yTrue, d().flatLast, { ...last(), backend, gradOut: out(key) }));
    return { run, check: layout === 'first' ? () => checked(run()) : run };
  };
  const list = w.grad
    ? [
      {
        key: 'hand', role: 'hand', name: 'hand-written JS loop over NCHW, loss + gradient (into a Float32Array)',
        run: () => handLossGrad(d().yTrue, d().flat, d().dims, w.gamma, out('hand')),
        check: () => checked({ loss: handLossGrad(d().yTrue, d().flat, d().dims, w.gamma, out('hand')), grad: out('hand') }),
      },
      { key: 'js', role: 'js', name: 'focalLossGrad, JS path, NCHW (axis 1)', ...grad('js', 'js', 'first') },
      { key: 'wasm', role: 'wasm', name: 'focalLossGrad, wasm, NCHW (axis 1)', ...grad('wasm', 'wasm', 'first') },
      { key: 'wasm-last', role: 'wasm', name: 'focalLossGrad, wasm, the same data channels-last', ...grad('wasm-last', 'wasm', 'last') },
    ]
    : [
      { key: 'hand', role: 'hand', name: 'hand-written JS loop over NCHW', run: () => handLoss(d().yTrue, d().flat, d().dims, w.gamma) },
      { key: 'js', role: 'js', name: 'focalLoss, JS path, NCHW (axis 1)', run: () => focalLoss(d().yTrue, d().flat, { ...first(), backend: 'js' }) },
      { key: 'wasm', role: 'wasm', name: 'focalLoss, wasm, NCHW (axis 1)', run: () => focalLoss(d().yTrue, d().flat, { ...first(), backend: 'wasm' }) },
      { key: 'wasm-last', role: 'wasm', name: 'focalLoss, wasm, the same data channels-last', run: () => focalLoss(d().yTrue, d().flatLast, { ...last(), backend: 'wasm' }) },
    ];
  for (const backend of tfBackends) {
    // Tensor creation and the transpose to channels-last included; the gradient (of the
    // transposed tensor) is read back, as focalLossGrad's gradOut holds it.
    const run = (withGrad) => {
      const r = {};
      tf.tidy(() => {
        const [n, c, ...rest] = d().dims;
        const x = tf.reshape(tf.transpose(tf.tensor(d().flat, [n, c, rest.reduce((a, b) => a * b, 1)]), [0, 2, 1]), [-1, c]);
        const oneHot = tf.cast(tf.oneHot(tf.tensor1d(d().yTrue, 'int32'), c), 'float32');
        if (!withGrad) {
          r.loss = tfFocal(x, oneHot, w.gamma).dataSync()[0];
          return;
        }
        const { value, grad } = tf.valueAndGrad((logits) => tfFocal(logits, oneHot, w.gamma))(x);
        r.loss = value.dataSync()[0];
        r.grad = grad.dataSync();
      });
      return withGrad ? r : r.loss;
    };
    list.push({
      key: `tfjs-${backend}`, role: 'tfjs', backend,
      name: `TensorFlow.js ${backend}, softmaxCrossEntropy focal loss${w.grad ? ' + tf.grad' : ''} on the transposed tensor`,
      setup: () => useTf(backend),
      run: () => run(w.grad),
      check: () => run(w.grad),
    });
  }
  return { list, release: () => Object.keys(outputs).forEach((k) => delete outputs[k]) };
}
