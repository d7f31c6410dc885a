// Everything the library is measured against, written the way a user would write it, and
// the float64 references that every contender's result is checked against.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle registers no gradient functions (tf.grad would fail with "gradient
// function not found"); tfjs-layers' Node bundle registers tfjs-core's, as @tensorflow/tfjs does.
import '@tensorflow/tfjs-layers';

const EPS = 1e-7;

/** Switches TensorFlow.js to `name`; a backend that cannot initialise is an error, not a warning. */
export async function useTf(name) {
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`TensorFlow.js ${name} backend failed to initialise`);
  }
  await tf.ready();
}

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

/**
 * A reference accurate to ~1e-15: per-sample double evaluation, compensated sum. `eps` is the
 * clip of probabilities; the library's default ('auto') is 2^-52 for float64 input and 2^-23
 * for float32 (no workload's p_t comes near either bound, nor near the loops' 1e-7). `poly1`:
 * Poly-1's ε, adding ε q^(γ+1) (not weighed by α).
 */
export function reference(yTrue, flat, classes, gamma, alpha, fromLogits, eps = flat instanceof Float32Array ? 2 ** -23 : 2 ** -52, poly1 = 0) {
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
      const p = Math.min(Math.max(flat[base + t], eps), 1 - eps);
      logP = Math.log(p);
      q = 1 - p;
    }
    const x = -(alpha ? alpha[t] : 1) * Math.pow(q, gamma) * logP + poly1 * Math.pow(q, gamma + 1);
    const s = sum + x;
    carry += Math.abs(sum) >= Math.abs(x) ? sum - s + x : x - s + sum;
    sum = s;
  }
  return (sum + carry) / yTrue.length;
}

// --- Loss and gradient with respect to the logits (workloads G1, G2) ---------------------------
//
// With p = softmax(z), p_t its target entry and q = 1 - p_t, the per-sample loss
// L = -α_t q^γ ln p_t has dL/dz_j = F · (δ_tj − p_j), F = α_t (γ q^(γ-1) p_t ln p_t − q^γ);
// the mean over N samples divides both by N. Poly-1 adds ε q^(γ+1), whose derivative adds
// −ε (γ + 1) q^γ p_t to F.

/**
 * A careful hand-written flat loop: per row, one pass for the max, one for exp (into a float64
 * scratch row) and the sum of the non-target terms (kept apart, so q = 1 − p_t has no
 * cancellation), one to write the gradient; q·q for γ = 2. Writes the gradient of the mean
 * loss into `gradOut` (rounded once) and returns the mean loss.
 */
export function handFlatGrad(yTrue, flat, classes, gamma, alpha, gradOut) {
  const n = yTrue.length;
  const invN = 1 / n;
  const e = new Float64Array(classes);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const t = yTrue[i];
    const base = i * classes;
    let m = -Infinity;
    for (let c = 0; c < classes; c++) if (flat[base + c] > m) m = flat[base + c];
    let rest = 0;
    for (let c = 0; c < t; c++) rest += e[c] = Math.exp(flat[base + c] - m);
    for (let c = t + 1; c < classes; c++) rest += e[c] = Math.exp(flat[base + c] - m);
    const et = Math.exp(flat[base + t] - m);
    const s = et + rest;
    const inv = 1 / s;
    const pt = et * inv;
    const q = rest * inv;
    const logP = flat[base + t] - m - Math.log(s);
    const a = alpha ? alpha[t] : 1;
    const qg1 = gamma === 2 ? q : Math.pow(q, gamma - 1);
    const qg = qg1 * q;
    sum -= a * qg * logP;
    const f = a * (gamma * qg1 * pt * logP - qg) * invN;
    const k = -f * inv;
    for (let c = 0; c < classes; c++) gradOut[base + c] = e[c] * k;
    gradOut[base + t] = f * q;
  }
  return sum * invN;
}

/** The float64 reference of loss and gradient: per-sample double evaluation, compensated sum. */
export function referenceGrad(yTrue, flat, classes, gamma, alpha, poly1 = 0) {
  const n = yTrue.length;
  const grad = new Float64Array(n * classes);
  const e = new Float64Array(classes);
  let sum = 0;
  let carry = 0;
  for (let i = 0; i < n; i++) {
    const t = yTrue[i];
    const base = i * classes;
    let m = -Infinity;
    for (let c = 0; c < classes; c++) m = Math.max(m, flat[base + c]);
    let rest = 0;
    for (let c = 0; c < classes; c++) {
      e[c] = Math.exp(flat[base + c] - m);
      if (c !== t) rest += e[c];
    }
    const s = e[t] + rest;
    const pt = e[t] / s;
    const q = rest / s;
    const logP = -Math.log1p(rest / e[t]);
    const a = alpha ? alpha[t] : 1;
    const x = -a * Math.pow(q, gamma) * logP + poly1 * Math.pow(q, gamma + 1);
    const f = (a * (gamma * Math.pow(q, gamma - 1) * pt * logP - Math.pow(q, gamma)) - poly1 * (gamma + 1) * Math.pow(q, gamma) * pt) / n;
    for (let c = 0; c < classes; c++) grad[base + c] = c === t ? f * q : (-f * e[c]) / s;
    const y = sum + x;
    carry += Math.abs(sum) >= Math.abs(x) ? sum - y + x : x - y + sum;
    sum = y;
  }
  return { loss: (sum + carry) / n, grad };
}

/** max |g − ref| / max |ref|: the gradient's error relative to its largest entry. */
export function gradientError(grad, ref) {
  if (!grad || grad.length !== ref.length) return NaN;
  let diff = 0;
  let top = 0;
  for (let k = 0; k < ref.length; k++) {
    const d = Math.abs(grad[k] - ref[k]);
    // NaN must not hide behind a comparison that is false.
    if (!(d <= diff)) diff = d;
    if (Math.abs(ref[k]) > top) top = Math.abs(ref[k]);
  }
  return diff / top;
}

/** |x − ref| / |ref| (NaN when x is not a number). */
export const lossError = (x, ref) => (typeof x === 'number' ? Math.abs(x - ref) / Math.abs(ref) : NaN);

/**
 * The same mean focal loss composed from TensorFlow.js ops, on logits, in the form tf.grad can
 * differentiate on both backends: the target log-probability is picked with a one-hot mask
 * (gather's gradient, UnsortedSegmentSum, has no wasm kernel in 4.22). `oneHot` is float32.
 */
export function tfLogitLoss(logits, oneHot, gamma) {
  const logP = tf.sum(tf.mul(tf.logSoftmax(logits), oneHot), 1);
  return tf.mean(tf.neg(tf.mul(tf.pow(tf.sub(1, tf.exp(logP)), gamma), logP)));
}

/**
 * The one-hot mask of int32 labels, as float32. Built as int32 and cast: tf.oneHot(..., 'float32')
 * on the wasm backend of 4.22 writes the integer bit pattern (1 reads as 1.4e-45).
 */
export const tfOneHot = (labels, classes) => tf.tidy(() => tf.cast(tf.oneHot(labels, classes), 'float32'));

/** Loss and gradient by tf.valueAndGrad (tf.grad's sibling that also returns the loss). */
export const tfLossAndGrad = (logits, oneHot, gamma) => tf.valueAndGrad((x) => tfLogitLoss(x, oneHot, gamma))(logits);
