// Everything the library is measured against, written the way a user would write it.
import * as tf from '@tensorflow/tfjs-core';

const EPS = 1e-7;

/** The textbook loop over nested rows: what "pure JS" users compare against. */
export function textbook(yTrue, rows, gamma, alpha, fromLogits) {
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const row = rows[i];
    let p;
    if (fromLogits) {
      let m = -Infinity;
      for (let c = 0; c < row.length; c++) m = Math.max(m, row[c]);
      let s = 0;
      for (let c = 0; c < row.length; c++) s += Math.exp(row[c] - m);
      p = Math.exp(row[t] - m) / s;
    } else {
      p = Math.min(Math.max(row[t], EPS), 1 - EPS);
    }
    sum += -(alpha ? alpha[t] : 1) * Math.pow(1 - p, gamma) * Math.log(p);
  }
  return sum / yTrue.length;
}

/** A careful hand-written loop over one flat typed array (no allocation, q*q for γ = 2). */
export function handFlat(yTrue, flat, classes, gamma, alpha, fromLogits) {
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const base = i * classes;
    let logP;
    let q;
    if (fromLogits) {
      let m = -Infinity;
      for (let c = base; c < base + classes; c++) if (flat[c] > m) m = flat[c];
      let s = 0;
      for (let c = base; c < base + classes; c++) s += Math.exp(flat[c] - m);
      logP = flat[base + t] - m - Math.log(s);
      q = 1 - Math.exp(logP);
    } else {
      const p = Math.min(Math.max(flat[base + t], EPS), 1 - EPS);
      logP = Math.log(p);
      q = 1 - p;
    }
    const w = gamma === 2 ? q * q : Math.pow(q, gamma);
    sum -= (alpha ? alpha[t] : 1) * w * logP;
  }
  return sum / yTrue.length;
}

/** Reading p_t alone: the memory floor of any probability kernel. */
export function gatherFloor(yTrue, flat, classes) {
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += flat[i * classes + yTrue[i]];
  return s;
}

/** p_t = pred[i, labels[i]] by a flat gather (the wasm backend's batched gather is wrong in 4.22). */
function pickTarget(pred, labels) {
  const [n, classes] = pred.shape;
  return tf.gather(tf.reshape(pred, [-1]), tf.add(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(classes, 'int32')), labels));
}

/** The same loss composed from TensorFlow.js ops (float32, as tfjs computes). */
export function tfLoss(pred, labels, alphaTensor, gamma, fromLogits) {
  return tf.tidy(() => {
    const logP = fromLogits
      ? pickTarget(tf.logSoftmax(pred), labels)
      : tf.log(tf.clipByValue(pickTarget(pred, labels), EPS, 1 - EPS));
    const w = tf.pow(tf.sub(1, tf.exp(logP)), gamma);
    const a = alphaTensor ? tf.gather(alphaTensor, labels) : tf.scalar(1);
    return tf.mean(tf.neg(tf.mul(tf.mul(a, w), logP))).dataSync()[0];
  });
}

/** A reference accurate to ~1e-15: per-sample double evaluation, compensated sum. */
export function reference(yTrue, flat, classes, gamma, alpha, fromLogits) {
  let sum = 0;
  let carry = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const base = i * classes;
    let logP;
    let q;
    if (fromLogits) {
      const xt = flat[base + t];
      let rest = 0;
      for (let c = base; c < base + classes; c++) if (c !== base + t) rest += Math.exp(flat[c] - xt);
      logP = -Math.log1p(rest);
      q = rest / (1 + rest);
    } else {
      const p = Math.min(Math.max(flat[base + t], EPS), 1 - EPS);
      logP = Math.log(p);
      q = 1 - p;
    }
    const x = -(alpha ? alpha[t] : 1) * Math.pow(q, gamma) * logP;
    const s = sum + x;
    carry += Math.abs(sum) >= Math.abs(x) ? sum - s + x : x - s + sum;
    sum = s;
  }
  return (sum + carry) / yTrue.length;
}
