// Focal losses composed from TensorFlow.js ops, written from the definitions and independent
// of this package, for tf.grad to differentiate: the reference of the tfjs adapter's tests
// (test/node/tfjs-*.test.ts, test/browser/tfjs.test.ts), and how a result is compared with it.
// float32 throughout, as tfjs computes.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { random } from './random.js';

interface ReferenceOptions {
  gamma?: number;
  alpha?: number | ArrayLike<number>;
  fromLogits?: boolean;
  epsilon?: number | 'auto';
  labelSmoothing?: number;
  /** Poly-1's ε: ε·(1 − p_t)^(γ+1) added to each focal term, outside α. */
  poly1?: number;
  reduction?: 'mean' | 'sum';
}

const epsilonOf = (o: ReferenceOptions): number => (o.epsilon === 'auto' ? 2 ** -23 : o.epsilon ?? 1e-7);

/**
 * Multi-class focal loss, Σ_c −α_c · y_c · (1 − p_c)^γ · ln p_c per sample, then the mean (or
 * sum) over samples. `rows` holds the targets as rows of yPred's shape (one-hot or soft).
 */
export function focalReference(rows: tf.Tensor, yPred: tf.Tensor, o: ReferenceOptions): tf.Scalar {
  return tf.tidy(() => {
    const c = yPred.shape[yPred.shape.length - 1];
    let y = tf.cast(rows, 'float32');
    const s = o.labelSmoothing ?? 0;
    if (s > 0) y = tf.add(tf.mul(y, 1 - s), s / c);
    let logP: tf.Tensor;
    let q: tf.Tensor;
    if (o.fromLogits) {
      logP = tf.logSoftmax(yPred);
      q = tf.sub(1, tf.softmax(yPred));
    } else {
      const eps = epsilonOf(o);
      const p = tf.clipByValue(yPred, eps, 1 - eps);
      logP = tf.log(p);
      q = tf.sub(1, p);
    }
    const gamma = o.gamma ?? 2;
    let terms = tf.mul(tf.mul(y, gamma === 0 ? tf.onesLike(q) : tf.pow(q, gamma)), logP);
    if (typeof o.alpha === 'number') terms = tf.mul(terms, o.alpha);
    else if (o.alpha !== undefined) terms = tf.mul(terms, tf.tensor1d(Array.from(o.alpha)));
    if (o.poly1) terms = tf.sub(terms, tf.mul(tf.mul(y, tf.pow(q, gamma + 1)), o.poly1));
    const perSample = tf.neg(tf.sum(terms, -1));
    return (o.reduction === 'sum' ? tf.sum(perSample) : tf.mean(perSample)) as tf.Scalar;
  });
}

/**
 * Sigmoid focal loss per element, α_t · (1 − p_t)^γ · BCE(y, p) with p_t = p·y + (1 − p)(1 − y)
 * and α_t = α·y + (1 − α)(1 − y), then the mean (or sum) over all elements. yTrue may lack
 * yPred's trailing dimension of 1.
 */
export function binaryReference(yTrue: tf.Tensor, yPred: tf.Tensor, o: Omit<ReferenceOptions, 'alpha'> & { alpha?: number }): tf.Scalar {
  return tf.tidy(() => {
    let y = tf.reshape(tf.cast(yTrue, 'float32'), yPred.shape);
    const s = o.labelSmoothing ?? 0;
    if (s > 0) y = tf.add(tf.mul(y, 1 - s), s / 2);
    let p: tf.Tensor;
    let logP: tf.Tensor;
    let log1mP: tf.Tensor;
    if (o.fromLogits) {
      p = tf.sigmoid(yPred);
      // −softplus(−x), not tf.logSigmoid: its custom gradient reads a disposed tensor in 4.22.
      logP = tf.neg(tf.softplus(tf.neg(yPred)));
      log1mP = tf.neg(tf.softplus(yPred));
    } else {
      const eps = epsilonOf(o);
      p = tf.clipByValue(yPred, eps, 1 - eps);
      logP = tf.log(p);
      log1mP = tf.log(tf.sub(1, p));
    }
    const notY = tf.sub(1, y);
    const bce = tf.neg(tf.add(tf.mul(y, logP), tf.mul(notY, log1mP)));
    const oneMinusPt = tf.add(tf.mul(y, tf.sub(1, p)), tf.mul(notY, p));
    let loss = tf.mul(tf.pow(oneMinusPt, o.gamma ?? 2), bce);
    if (o.alpha !== undefined) loss = tf.mul(loss, tf.add(tf.mul(y, o.alpha), tf.mul(notY, 1 - o.alpha)));
    if (o.poly1) loss = tf.add(loss, tf.mul(tf.pow(oneMinusPt, (o.gamma ?? 2) + 1), o.poly1));
    return (o.reduction === 'sum' ? tf.sum(loss) : tf.mean(loss)) as tf.Scalar;
  });
}

/**
 * Asymmetric loss (Ridnik et al.) per element, −[y (1 − p)^γ₊ ln p + (1 − y) p_m^γ₋ ln(1 − p_m)]
 * with p_m = max(p − m, 0), then the mean (or sum) over all elements; as the reference
 * implementation writes it, but for its clamp of the logs at 1e-8 (the probabilities here stay
 * away from 0 and 1).
 */
export function asymmetricReference(
  yTrue: tf.Tensor, yPred: tf.Tensor,
  o: { gammaPos?: number; gammaNeg?: number; clip?: number; fromLogits?: boolean; epsilon?: number; reduction?: 'mean' | 'sum' },
): tf.Scalar {
  return tf.tidy(() => {
    const y = tf.reshape(tf.cast(yTrue, 'float32'), yPred.shape);
    const eps = epsilonOf(o);
    const p = o.fromLogits ? tf.sigmoid(yPred) : tf.clipByValue(yPred, eps, 1 - eps);
    const pm = tf.relu(tf.sub(p, o.clip ?? 0.05));
    const positive = tf.mul(tf.mul(y, tf.pow(tf.sub(1, p), o.gammaPos ?? 0)), tf.log(p));
    const negative = tf.mul(tf.mul(tf.sub(1, y), tf.pow(pm, o.gammaNeg ?? 4)), tf.log(tf.sub(1, pm)));
    const loss = tf.neg(tf.add(positive, negative));
    return (o.reduction === 'sum' ? tf.sum(loss) : tf.mean(loss)) as tf.Scalar;
  });
}

/** N rows of C probabilities (a softmax of scores spread by `spread`), flat, row-major. */
export function softmaxRows(n: number, c: number, seed: number, spread: number): number[] {
  const next = random(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const e = Array.from({ length: c }, () => Math.exp((next() - 0.5) * 2 * spread));
    const sum = e.reduce((a, b) => a + b, 0);
    out.push(...e.map((v) => v / sum));
  }
  return out;
}

/**
 * |got − want| ≤ rtol · (max |want| + |want|) + floor, element-wise. The default rtol is for
 * float32 on the CPU (the reference computes in float32); a GPU (or SwiftShader) needs more.
 */
export function expectTensorClose(got: tf.Tensor, want: tf.Tensor, where: string, { rtol = 2e-5, floor = 1e-12 } = {}): void {
  expect(got.shape, where).toEqual(want.shape);
  const g = got.dataSync();
  const w = want.dataSync();
  let scale = 0;
  for (const v of w) scale = Math.max(scale, Math.abs(v));
  const bad: string[] = [];
  for (let i = 0; i < w.length; i++) {
    if (!Number.isFinite(w[i])) throw new Error(`${where}: the reference is not finite at ${i}; choose another case`);
    const allowed = rtol * (scale + Math.abs(w[i])) + floor;
    if (!(Math.abs(g[i] - w[i]) <= allowed)) bad.push(`[${i}] ${g[i]} vs ${w[i]} (± ${allowed.toPrecision(2)})`);
    if (bad.length >= 6) break;
  }
  expect(bad, where).toEqual([]);
}
