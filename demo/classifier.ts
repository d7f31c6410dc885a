// A small softmax classifier written by hand: 2 inputs, one tanh hidden layer, 2 logits.
// focalLossGrad gives the gradient of the loss with respect to the logits; the rest of the
// backward pass and the Adam update are here. γ = 0 and no α train on cross-entropy through the same code.
import { focalLossGrad } from 'focal-loss-wasm';
import { random, type Dataset } from './dataset.js';

const INPUTS = 2;
const CLASSES = 2;

export interface Classifier {
  hidden: number;
  /** Parameters, one flat array: w1 (INPUTS × hidden), b1, w2 (hidden × CLASSES), b2. */
  params: Float64Array;
  /** Adam's moment estimates and step count. */
  m: Float64Array;
  v: Float64Array;
  step: number;
}

function layout(hidden: number) {
  const w1 = 0;
  const b1 = w1 + INPUTS * hidden;
  const w2 = b1 + hidden;
  const b2 = w2 + hidden * CLASSES;
  return { w1, b1, w2, b2, size: b2 + CLASSES };
}

/** A classifier with seeded weights: two made with the same seed start identical. */
export function createClassifier(seed: number, hidden = 12): Classifier {
  const { w1, w2, size } = layout(hidden);
  const uniform = random(seed);
  const params = new Float64Array(size);
  for (let i = w1; i < w1 + INPUTS * hidden; i++) params[i] = (uniform() * 2 - 1) * Math.sqrt(6 / (INPUTS + hidden));
  for (let i = w2; i < w2 + hidden * CLASSES; i++) params[i] = (uniform() * 2 - 1) * Math.sqrt(6 / (hidden + CLASSES));
  return { hidden, params, m: new Float64Array(size), v: new Float64Array(size), step: 0 };
}

/** The forward pass: logits (n × CLASSES) and, if asked for, the hidden activations (n × hidden). */
export function forward(model: Classifier, points: Float64Array, logits: Float64Array, activations?: Float64Array): void {
  const { hidden, params: p } = model;
  const { w1, b1, w2, b2 } = layout(hidden);
  const n = points.length / INPUTS;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i];
    const y = points[2 * i + 1];
    let z0 = p[b2];
    let z1 = p[b2 + 1];
    for (let h = 0; h < hidden; h++) {
      const a = Math.tanh(p[w1 + h] * x + p[w1 + hidden + h] * y + p[b1 + h]);
      if (activations) activations[i * hidden + h] = a;
      z0 += a * p[w2 + h * CLASSES];
      z1 += a * p[w2 + h * CLASSES + 1];
    }
    logits[2 * i] = z0;
    logits[2 * i + 1] = z1;
  }
}

/** Buffers a training loop reuses every epoch, so it allocates nothing. */
export interface Scratch {
  logits: Float64Array;
  activations: Float64Array;
  grad: Float64Array;
  paramGrad: Float64Array;
}

export function scratchFor(model: Classifier, n: number): Scratch {
  return {
    logits: new Float64Array(n * CLASSES),
    activations: new Float64Array(n * model.hidden),
    grad: new Float64Array(n * CLASSES),
    paramGrad: new Float64Array(model.params.length),
  };
}

/** The loss a model trains on: γ = 0 without α is cross-entropy. */
export interface Loss {
  gamma: number;
  alpha?: number | number[];
}

/** One full-batch epoch of Adam on the focal loss with this γ and α. */
export function trainEpoch(model: Classifier, data: Dataset, loss: Loss, scratch: Scratch, learningRate = 0.03): void {
  const { hidden, params: p } = model;
  const { w1, b1, w2, b2 } = layout(hidden);
  const { logits, activations, grad, paramGrad: g } = scratch;
  const n = data.labels.length;
  forward(model, data.points, logits, activations);
  // dLoss/dlogits of the mean loss, written into `grad`.
  focalLossGrad(data.labels, logits, { fromLogits: true, gamma: loss.gamma, alpha: loss.alpha, gradOut: grad });
  g.fill(0);
  for (let i = 0; i < n; i++) {
    const d0 = grad[2 * i];
    const d1 = grad[2 * i + 1];
    g[b2] += d0;
    g[b2 + 1] += d1;
    const x = data.points[2 * i];
    const y = data.points[2 * i + 1];
    for (let h = 0; h < hidden; h++) {
      const a = activations[i * hidden + h];
      g[w2 + h * CLASSES] += a * d0;
      g[w2 + h * CLASSES + 1] += a * d1;
      const da = (d0 * p[w2 + h * CLASSES] + d1 * p[w2 + h * CLASSES + 1]) * (1 - a * a);
      g[w1 + h] += da * x;
      g[w1 + hidden + h] += da * y;
      g[b1 + h] += da;
    }
  }
  adam(model, g, learningRate);
}

function adam(model: Classifier, g: Float64Array, rate: number): void {
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  model.step++;
  const c1 = 1 - beta1 ** model.step;
  const c2 = 1 - beta2 ** model.step;
  for (let k = 0; k < g.length; k++) {
    model.m[k] = beta1 * model.m[k] + (1 - beta1) * g[k];
    model.v[k] = beta2 * model.v[k] + (1 - beta2) * g[k] * g[k];
    model.params[k] -= (rate * (model.m[k] / c1)) / (Math.sqrt(model.v[k] / c2) + eps);
  }
}

/** How a model's argmax predictions score on `data` for class `cls`, and overall. */
export interface Scores {
  /** Share of the class's samples predicted as the class. */
  recall: number;
  /** Share of the samples predicted as the class that are of it (0 when none is). */
  precision: number;
  accuracy: number;
}

export function evaluate(model: Classifier, data: Dataset, cls: number, logits: Float64Array): Scores {
  forward(model, data.points, logits);
  let found = 0;
  let total = 0;
  let claimed = 0;
  let correct = 0;
  for (let i = 0; i < data.labels.length; i++) {
    const predicted = logits[2 * i + 1] > logits[2 * i] ? 1 : 0;
    if (predicted === data.labels[i]) correct++;
    if (predicted === cls) claimed++;
    if (data.labels[i] === cls) {
      total++;
      if (predicted === cls) found++;
    }
  }
  return { recall: total ? found / total : 0, precision: claimed ? found / claimed : 0, accuracy: correct / data.labels.length };
}
