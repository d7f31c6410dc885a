import type { Backend, Region } from './backend.js';
import { focus, powerPlan } from './focus.js';
import { pairwiseSum } from './pairwise-sum.js';

/**
 * The pure-JS backend: the wasm kernels' algorithms over plain typed arrays, used where
 * WebAssembly is unavailable and as the reference the wasm path is tested against.
 */
class JsRegion implements Region {
  constructor(readonly buffer: ArrayBuffer) {}
  get bytes(): number {
    return this.buffer.byteLength;
  }
}

let badRow = -1;
let badDenseRow = -1;

// Clipping as in assembly/clip.ts: p to [eps, 1 - eps], with 1 - p clipped directly and
// ln(1 - eps) = log1p(-eps) passed in as logHigh.
function clippedOneMinus(p: number, epsilon: number): number {
  const q = 1 - p;
  return q < epsilon ? epsilon : p < epsilon ? 1 - epsilon : q;
}

function clippedProbability(p: number, epsilon: number): number {
  return 1 - p < epsilon ? 1 - epsilon : Math.max(p, epsilon);
}

function clippedLogOneMinus(p: number, epsilon: number, logEps: number, logHigh: number): number {
  return 1 - p < epsilon ? logEps : p < epsilon ? logHigh : Math.log1p(-p);
}

function clippedLog(p: number, epsilon: number, logHigh: number): number {
  return 1 - p < epsilon ? logHigh : Math.log(Math.max(p, epsilon));
}

export const jsBackend: Backend = {
  name: 'js',
  alloc: (bytes) => new JsRegion(new ArrayBuffer(bytes)),
  free: () => {},
  f64: (region) => new Float64Array((region as JsRegion).buffer),
  f32: (region) => new Float32Array((region as JsRegion).buffer),
  i32: (region) => new Int32Array((region as JsRegion).buffer),
  memoryBytes: () => 0,

  probabilityLoss(p, labels, n, weights, weightStride, gamma, epsilon, out) {
    const plan = powerPlan(gamma);
    const logHigh = Math.log1p(-epsilon);
    for (let i = 0; i < n; i++) {
      const label = labels[i];
      const a = label < 0 ? 0 : weights[label * weightStride];
      const loss = a * focus(clippedOneMinus(p[i], epsilon), gamma, plan) * (0 - clippedLog(p[i], epsilon, logHigh));
      out[i] = a === 0 ? 0 : loss;
    }
    return pairwiseSum(out, 0, n);
  },

  logitLoss(rows, labels, n, classes, weights, weightStride, gamma, out) {
    const plan = powerPlan(gamma);
    for (let i = 0; i < n; i++) {
      const label = labels[i];
      let loss = 0;
      if (label >= 0) {
        const a = weights[label * weightStride];
        const start = i * classes;
        let m = -Infinity;
        for (let c = start; c < start + classes; c++) m = Math.max(m, rows[c]);
        if (!(m < Infinity && m > -Infinity)) {
          badRow = i;
          return NaN;
        }
        const xt = rows[start + label];
        let rest = 0;
        for (let c = start; c < start + classes; c++) if (c !== start + label) rest += Math.exp(rows[c] - m);
        const total = Math.exp(xt - m) + rest;
        const logP = xt === m ? -Math.log1p(rest) : xt - m - Math.log(total);
        if (a !== 0) loss = a * focus(rest / total, gamma, plan) * (0 - logP);
      }
      out[i] = loss;
    }
    return pairwiseSum(out, 0, n);
  },

  invalidRow: () => badRow,

  denseProbabilityLoss(rows, targets, n, classes, weights, weightStride, gamma, epsilon, out) {
    const plan = powerPlan(gamma);
    const logHigh = Math.log1p(-epsilon);
    for (let i = 0; i < n; i++) {
      let total = 0;
      for (let c = 0; c < classes; c++) {
        const y = targets[i * classes + c];
        const a = weights[c * weightStride];
        if (y === 0 || a === 0) continue;
        const x = rows[i * classes + c];
        total += a * y * focus(clippedOneMinus(x, epsilon), gamma, plan) * (0 - clippedLog(x, epsilon, logHigh));
      }
      out[i] = total;
    }
    return pairwiseSum(out, 0, n);
  },

  denseLogitLoss(rows, targets, n, classes, weights, weightStride, gamma, out) {
    const plan = powerPlan(gamma);
    for (let i = 0; i < n; i++) {
      const start = i * classes;
      let m = -Infinity;
      let top = 0;
      for (let c = 0; c < classes; c++) {
        if (!(rows[start + c] <= m)) {
          m = rows[start + c];
          top = c;
        }
      }
      if (!(m < Infinity && m > -Infinity)) {
        badDenseRow = i;
        return NaN;
      }
      let rest = 0;
      for (let c = 0; c < classes; c++) if (c !== top) rest += Math.exp(rows[start + c] - m);
      const logTotal = Math.log1p(rest);
      let total = 0;
      for (let c = 0; c < classes; c++) {
        const y = targets[start + c];
        const a = weights[c * weightStride];
        if (y === 0 || a === 0) continue;
        const logP = rows[start + c] - m - logTotal;
        total += a * y * focus(-Math.expm1(logP), gamma, plan) * (0 - logP);
      }
      out[i] = total;
    }
    return pairwiseSum(out, 0, n);
  },

  invalidDenseRow: () => badDenseRow,

  binaryLoss(x, y, n, alpha, gamma, epsilon, fromLogits, out) {
    const plan = powerPlan(gamma);
    const logHigh = Math.log1p(-epsilon);
    const logEps = Math.log(epsilon);
    for (let i = 0; i < n; i++) {
      const v = x[i];
      const t = y[i];
      let logP: number;
      let logQ: number;
      let p: number;
      let q: number;
      if (fromLogits) {
        const tail = Math.log1p(Math.exp(-Math.abs(v)));
        logP = -(Math.max(-v, 0) + tail);
        logQ = -(Math.max(v, 0) + tail);
        p = Math.exp(logP);
        q = Math.exp(logQ);
      } else {
        p = clippedProbability(v, epsilon);
        q = clippedOneMinus(v, epsilon);
        logP = clippedLog(v, epsilon, logHigh);
        logQ = clippedLogOneMinus(v, epsilon, logEps, logHigh);
      }
      const bce = (t > 0 ? -t * logP : 0) + (t < 1 ? -(1 - t) * logQ : 0);
      const a = alpha < 0 ? 1 : alpha * t + (1 - alpha) * (1 - t);
      const w = focus(p * (1 - t) + q * t, gamma, plan);
      out[i] = a === 0 || w === 0 ? 0 : a * w * bce;
    }
    return pairwiseSum(out, 0, n);
  },

  applyWeights(out, weights, n) {
    for (let i = 0; i < n; i++) out[i] = weights[i] === 0 ? 0 : out[i] * weights[i];
    return pairwiseSum(out, 0, n);
  },

  gather(rows, labels, n, classes, ignore, hasIgnore, pOut, labelsOut) {
    let counted = 0;
    for (let i = 0; i < n; i++) {
      const label = labels[i];
      let x = 1;
      if (hasIgnore && label === ignore) {
        labelsOut[i] = -1;
      } else {
        if (label < 0 || label >= classes) return -(i + 1);
        x = rows[i * classes + label];
        if (!(x >= 0 && x <= 1)) return -(i + 1);
        labelsOut[i] = label;
        counted++;
      }
      pOut[i] = x;
    }
    return counted;
  },

  checkLabels(labels, n, classes, ignore, hasIgnore, labelsOut) {
    let counted = 0;
    for (let i = 0; i < n; i++) {
      let label = labels[i];
      if (hasIgnore && label === ignore) label = -1;
      else if (label < 0 || label >= classes) return -(i + 1);
      else counted++;
      labelsOut[i] = label;
    }
    return counted;
  },
};
