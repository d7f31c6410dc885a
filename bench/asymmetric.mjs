// The asymmetric loss (Ridnik et al.) on multi-label logits, loss + gradient (workload M1): a
// careful hand-written loop, TensorFlow.js composed from ops, the float64 reference, and the
// contenders. Per element, with p = σ(x), q = 1 − p, p_m = max(p − m, 0):
//   ℓ = −[y q^γ₊ ln p + (1 − y) p_m^γ₋ ln(1 − p_m)],
//   dℓ/dx = y q^γ₊ (γ₊ p ln p − q) + (1 − y) [γ₋ p_m^(γ₋−1) (−ln(1 − p_m)) + p_m^γ₋ / (1 − p_m)] p q  (p > m),
// the mean over all N·K elements dividing both.
import * as tf from '@tensorflow/tfjs-core';
import { asymmetricLossGrad } from '../dist/index.js';
import { useTf } from './contenders.mjs';

/**
 * What a careful user writes: one flat loop, ln p and ln q from a stable softplus, powers by
 * Math.pow except the reference's defaults (γ₊ = 0: 1; γ₋ = 4: squared twice), the gradient of
 * the mean written into `gradOut`. Returns the mean loss.
 */
export function handAsymmetric(targets, logits, { gammaPos, gammaNeg, clip }, gradOut) {
  const total = logits.length;
  const inv = 1 / total;
  let sum = 0;
  for (let e = 0; e < total; e++) {
    const x = logits[e];
    const y = targets[e];
    const tail = Math.log1p(Math.exp(-Math.abs(x)));
    const logP = -(Math.max(-x, 0) + tail);
    const p = Math.exp(logP);
    const q = 1 - p;
    let g = 0;
    if (y > 0) {
      const w = gammaPos === 0 ? 1 : Math.pow(q, gammaPos);
      sum -= y * w * logP;
      g += y * w * (gammaPos * p * logP - q);
    }
    const pm = p - clip;
    if (y < 1 && pm > 0) {
      const pm2 = pm * pm;
      const w = gammaNeg === 4 ? pm2 * pm2 : Math.pow(pm, gammaNeg);
      const big = -Math.log1p(-pm);
      sum += (1 - y) * w * big;
      g += (1 - y) * (gammaNeg * (w / pm) * big + w / (1 - pm)) * p * q;
    }
    gradOut[e] = g * inv;
  }
  return sum * inv;
}

/** The float64 reference: per-element double evaluation from the definition, compensated sum. */
export function referenceAsymmetric(targets, logits, { gammaPos, gammaNeg, clip }) {
  const total = logits.length;
  const grad = new Float64Array(total);
  let sum = 0;
  let carry = 0;
  for (let e = 0; e < total; e++) {
    const x = logits[e];
    const y = targets[e];
    // σ(x) and 1 − σ(x) each without cancellation; ln p = −ln(1 + e^−x).
    const p = 1 / (1 + Math.exp(-x));
    const q = 1 / (1 + Math.exp(x));
    const logP = x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
    const pm = Math.max(p - clip, 0);
    const l = -(y * Math.pow(q, gammaPos) * logP) - (pm > 0 ? (1 - y) * Math.pow(pm, gammaNeg) * Math.log1p(-pm) : 0);
    const dPos = y * Math.pow(q, gammaPos) * (gammaPos * p * logP - q);
    const dNeg = pm > 0 ? (1 - y) * (gammaNeg * Math.pow(pm, gammaNeg - 1) * -Math.log1p(-pm) + Math.pow(pm, gammaNeg) / (1 - pm)) * p * q : 0;
    grad[e] = (dPos + dNeg) / total;
    const s = sum + l;
    carry += Math.abs(sum) >= Math.abs(l) ? sum - s + l : l - s + sum;
    sum = s;
  }
  return { loss: (sum + carry) / total, grad };
}

/** The mean asymmetric loss composed from TensorFlow.js ops (as the reference implementation, without its 1e-8 clamp: logits keep p off 0 and 1). */
function tfAsymmetric(x, y, { gammaPos, gammaNeg, clip }) {
  const p = tf.sigmoid(x);
  const logP = tf.neg(tf.softplus(tf.neg(x)));
  const pm = tf.relu(tf.sub(p, clip));
  const positive = tf.mul(tf.mul(y, gammaPos === 0 ? tf.onesLike(p) : tf.pow(tf.sub(1, p), gammaPos)), logP);
  const negative = tf.mul(tf.mul(tf.sub(1, y), tf.pow(pm, gammaNeg)), tf.log1p(tf.neg(pm)));
  return tf.mean(tf.neg(tf.add(positive, negative)));
}

/**
 * Rows per TensorFlow.js call: 80 million elements do not fit the wasm backend's memory in one
 * graph (each intermediate is 320 MB), so TF.js runs in batches, as a training loop would.
 */
const TF_ROWS = 65_536;

/** The contenders of M1. The gradient buffers (320 MB each at full size) are one per contender family, allocated untimed. */
export function asymmetricLineup(w, data, { tfBackends }) {
  const d = () => data.current;
  const o = w.asymmetric;
  const outputs = {};
  const out = (key) => (outputs[key] ??= new Float32Array(d().n * w.classes));
  const lib = (key, backend) => () => asymmetricLossGrad(d().targets, d().flat, { ...o, fromLogits: true, classes: w.classes, backend, gradOut: out(key) });
  const list = [
    {
      key: 'hand', role: 'hand', name: 'hand-written flat JS loss + gradient (into a Float32Array)',
      setup: () => void out('hand'),
      run: () => handAsymmetric(d().targets, d().flat, o, out('hand')),
      check: () => ({ loss: handAsymmetric(d().targets, d().flat, o, out('hand')), grad: out('hand') }),
    },
    { key: 'js', role: 'js', name: 'asymmetricLossGrad, JS path (gradOut Float32Array)', setup: () => void out('js'), run: lib('js', 'js'), check: lib('js', 'js') },
    { key: 'wasm', role: 'wasm', name: 'asymmetricLossGrad, wasm (gradOut Float32Array)', setup: () => void out('wasm'), run: lib('wasm', 'wasm'), check: lib('wasm', 'wasm') },
  ];
  // TF.js' cpu backend takes minutes per call at this size; its wasm backend is the contender.
  for (const backend of tfBackends.filter((b) => b === 'wasm')) {
    // Tensor creation included, batch by batch: logits and targets become tensors, the loss
    // and gradient are computed by tf.valueAndGrad and the gradient read back into JS.
    const created = () => {
      const { n, flat, targets } = d();
      const k = w.classes;
      const grad = out(`tfjs-${backend}`);
      let sum = 0;
      for (let start = 0; start < n; start += TF_ROWS) {
        const rows = Math.min(TF_ROWS, n - start);
        tf.tidy(() => {
          const x = tf.tensor2d(flat.subarray(start * k, (start + rows) * k), [rows, k]);
          const y = tf.tensor2d(targets.subarray(start * k, (start + rows) * k), [rows, k]);
          const { value, grad: g } = tf.valueAndGrad((v) => tfAsymmetric(v, y, o))(x);
          sum += value.dataSync()[0] * rows;
          // The batch's mean becomes the whole batch's: scale by its share of the rows.
          const part = g.dataSync();
          const share = rows / n;
          for (let j = 0; j < part.length; j++) grad[start * k + j] = part[j] * share;
        });
      }
      return { loss: sum / n, grad };
    };
    list.push({
      key: `tfjs-${backend}`, role: 'tfjs', backend, name: `TensorFlow.js ${backend} tf.valueAndGrad, tensor creation included (batches of ${TF_ROWS.toLocaleString('en-US')} rows)`,
      setup: async () => {
        await useTf(backend);
        out(`tfjs-${backend}`);
      },
      run: created,
      check: created,
    });
  }
  return {
    list,
    release: () => {
      for (const k of Object.keys(outputs)) delete outputs[k];
    },
  };
}
