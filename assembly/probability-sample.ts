import {
  addCompensated, addToClass, CLASS_WEIGHT_STRIDE, CLASS_WEIGHTS, COUNT, EPSILON, flag, GAMMA, GRAD_F32, GRAD_SCALE,
  HAS_IGNORE, IGNORE_INDEX, LOG_EPSILON, LOG_ONE_MINUS_EPSILON, LOSSES, param, PER_CLASS, pointer, POLY1, PRED_F32,
  SAMPLE_WEIGHTS, SUM, WEIGHT_SUM,
} from './frame';
import { clippedLog, clippedLogOneMinus, clippedOneMinus, clippedProbability } from './math/clip';
import { focus, inLogSpace, isFine, powerPlan } from './math/focus';
import { scaled, slopeWithPoly, withPoly } from './math/poly';

// One sample of probabilities.ts at a time: an odd last sample of a block, every sample of
// the scalar build, the lanes the pair path hands over, and the search for the first invalid
// sample once a block has found one. addBlock adds a block's sums into the frame.

// @ts-ignore: decorator
@inline
export function rowBytes(classes: i32, gathered: bool, f32: bool): usize {
  return gathered ? 8 : <usize>classes << (f32 ? 2 : 3);
}

// @ts-ignore: decorator
@inline
export function addBlock(frame: usize, sum: f64, counted: i32, weightSum: f64): void {
  addCompensated(frame + (<usize>SUM << 3), sum);
  store<f64>(frame + (<usize>COUNT << 3), param(frame, COUNT) + <f64>counted);
  addCompensated(frame + (<usize>WEIGHT_SUM << 3), weightSum);
}

/**
 * Sample i, one at a time: its weighted loss (and its gradient row, per-sample loss and
 * class sums when the frame asks for them), or NaN when its label or p_t is invalid (a
 * loss with Poly-1 may be negative).
 * `row` is the address of sample i's row (of its p_t when gathered).
 */
export function oneSample(frame: usize, row: usize, labels: usize, i: i32, classes: i32, grad: usize, gathered: bool): f64 {
  const label = load<i32>(labels + (<usize>i << 2));
  const ignored = flag(frame, HAS_IGNORE) && label == <i32>param(frame, IGNORE_INDEX);
  const gradF32 = flag(frame, GRAD_F32);
  const gradSize: usize = gradF32 ? 4 : 8;
  const gradRow = grad + <usize>i * (gathered ? gradSize : <usize>classes * gradSize);
  if (grad != 0 && !gathered) memory.fill(gradRow, 0, <usize>classes * gradSize);
  const losses = pointer(frame, LOSSES);
  if (ignored) {
    if (grad != 0 && gathered) storeGradient(gradRow, 0, gradF32);
    if (losses != 0) store<f64>(losses + (<usize>i << 3), 0);
    return 0;
  }
  if (<u32>label >= <u32>classes) return NaN;
  const entry: usize = gathered ? 0 : <usize>label << (flag(frame, PRED_F32) ? 2 : 3);
  const p = flag(frame, PRED_F32) ? <f64>load<f32>(row + entry) : load<f64>(row + entry);
  if (!(p >= 0 && p <= 1)) return NaN;
  const sampleWeights = pointer(frame, SAMPLE_WEIGHTS);
  const w = sampleWeights != 0 ? load<f64>(sampleWeights + (<usize>i << 3)) : 1;
  const a = load<f64>(pointer(frame, CLASS_WEIGHTS) + (flag(frame, CLASS_WEIGHT_STRIDE) ? <usize>label << 3 : 0));
  const loss = sampleLoss(frame, p, a, w);
  if (losses != 0) store<f64>(losses + (<usize>i << 3), loss);
  const perClass = pointer(frame, PER_CLASS);
  if (perClass != 0) addToClass(perClass, label, loss, w);
  if (grad != 0) storeGradient(gradRow + (gathered ? 0 : <usize>label * gradSize), sampleGradient(frame, p, a, w), gradF32);
  return loss;
}

/** The weighted loss of a sample from its p_t (before clipping), alpha_t and weight. */
export function sampleLoss(frame: usize, p: f64, a: f64, w: f64): f64 {
  const t = a * w;
  const eps = param(frame, EPSILON);
  const gamma = param(frame, GAMMA);
  const plan = powerPlan(gamma);
  const logEps = param(frame, LOG_EPSILON);
  const logHigh = param(frame, LOG_ONE_MINUS_EPSILON);
  const q = clippedOneMinus(p, eps);
  const factor = focus(q, plan == 0 ? clippedLogOneMinus(p, eps, logEps, logHigh) : 0, gamma, plan);
  const product = t * factor;
  const negLogP = 0 - clippedLog(p, eps, logHigh);
  const loss = t == 0 ? 0 : isFine(factor, product) ? product * negLogP : inLogSpace(negLogP, a, w, gamma, clippedLogOneMinus(p, eps, logEps, logHigh));
  const poly = param(frame, POLY1);
  if (poly == 0) return loss;
  return withPoly(loss, a, w, clippedProbability(p, eps), q, negLogP, factor, gamma, poly);
}

/** d loss / d p_t of a sample, scaled by GRAD_SCALE: 0 where the clip is active. */
export function sampleGradient(frame: usize, p: f64, a: f64, w: f64): f64 {
  const eps = param(frame, EPSILON);
  const q = 1 - p;
  if (p < eps || q < eps) return 0;
  const t = a * w;
  const gamma = param(frame, GAMMA);
  const plan = powerPlan(gamma);
  const factor = focus(q, plan == 0 ? Math.log1p(-p) : 0, gamma, plan);
  const product = t * factor;
  const scale = param(frame, GRAD_SCALE);
  let g: f64 = 0;
  if (t != 0) {
    const ratio = q == 0 ? -1 : Math.log(p) / q;
    const slope = scale * (gamma == 0 ? -1 / p : gamma * ratio - 1 / p);
    g = isFine(factor, product) ? product * slope : inLogSpace(slope, a, w, gamma, Math.log1p(-p));
  }
  const poly = param(frame, POLY1);
  if (poly == 0 || w == 0) return g;
  // d/dp of eps w q^(gamma + 1).
  const term = scaled(-scale * poly * (gamma + 1), w, p, q, factor, gamma);
  return slopeWithPoly(g, term, scale, a, poly, w, p, q, -Math.log(p), factor, gamma, false);
}

// @ts-ignore: decorator
@inline
function storeGradient(at: usize, g: f64, f32: bool): void {
  if (f32) store<f32>(at, <f32>g);
  else store<f64>(at, g);
}

/** The first sample from `from` on whose label or p_t is invalid (the caller knows there is one). */
export function firstInvalid(frame: usize, pred: usize, labels: usize, from: i32, n: i32, classes: i32, gathered: bool): i32 {
  const f32 = flag(frame, PRED_F32);
  const stride = rowBytes(classes, gathered, f32);
  const hasIgnore = flag(frame, HAS_IGNORE);
  const ignore = <i32>param(frame, IGNORE_INDEX);
  for (let i = from; i < n; i++) {
    const label = load<i32>(labels + (<usize>i << 2));
    if (hasIgnore && label == ignore) continue;
    if (<u32>label >= <u32>classes) return i;
    const at = pred + <usize>i * stride + (gathered ? 0 : <usize>label << (f32 ? 2 : 3));
    const p = f32 ? <f64>load<f32>(at) : load<f64>(at);
    if (!(p >= 0 && p <= 1)) return i;
  }
  return n;
}
