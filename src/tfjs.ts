/**
 * TensorFlow.js adapter: focal losses as `(yTrue, yPred) => tf.Scalar` functions for
 * `model.compile`, `tf.variableGrads` / `optimizer.minimize` loops and metrics.
 *
 * This is the `focal-loss-wasm/tfjs` entry. It is the only module of the package that imports
 * `@tensorflow/tfjs-core` (an optional peer dependency); the main entry never does.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendChoice } from './backend/loader.js';
import { describe, show } from './errors/show.js';
import { asymmetric } from './losses/asymmetric.js';
import { binaryFocal } from './losses/binary-focal.js';
import { focal } from './losses/focal.js';
import { readSettings, type LossSettings, type LossSpec } from './pipeline/loss-spec.js';
import { fail } from './errors/detail.js';
import { lossAndGradOf } from './pipeline/compute.js';

/** How a batch of per-sample losses becomes the scalar a loss function returns. */
export type TfReduction = 'mean' | 'sum';

/** Options of {@link tfFocalLoss}. Every field is optional; they are checked when the loss is created. */
export interface TfFocalLossOptions {
  /** Focusing parameter γ, finite, ≥ 0; 0 gives (weighted) cross-entropy. Default 2. */
  gamma?: number;
  /**
   * Class weight α: one number for every class, or one weight per class (length C, checked
   * against yPred's last dimension at the first call, or here when `classes` is given). Use it
   * instead of `model.fit`'s `classWeight`, which cannot weigh the samples of a scalar loss.
   * Default: none.
   */
  alpha?: number | ArrayLike<number>;
  /** yPred holds logits (the model has no softmax): a stable log-softmax is used. Default false. */
  fromLogits?: boolean;
  /** Probabilities are clipped to [ε, 1 − ε] (Keras' 1e-7 by default); 'auto' is 2⁻²³. */
  epsilon?: number | 'auto';
  /** s in [0, 1]: targets become y·(1 − s) + s / C, for class indices and target rows. Default 0. */
  labelSmoothing?: number;
  /** Poly-1: ε ≥ −1 adds ε·(1 − p_t)^(γ+1) to each sample's focal term (α weighs the focal term only). Default 0. */
  poly1?: number;
  /**
   * 'mean' (default): the mean over the batch's samples (every position of yPred but the last
   * axis), like tfjs-layers' own losses after their batch mean, so the value does not depend on
   * the batch size; samples whose label is `ignoreIndex` are not counted (0 when none is).
   * 'sum': the sum over the samples, whose gradient grows with the batch size. The loss is a
   * scalar, so there is no 'none'.
   */
  reduction?: TfReduction;
  /** Samples whose class index equals it contribute 0 and are not counted (sparse yTrue only). */
  ignoreIndex?: number;
  /** C, the number of classes: yPred's class axis must be this long. Default: not checked. */
  classes?: number;
  /**
   * yPred's class axis: -1 (default), the last, as TensorFlow.js models write `[B, H, W, C]`;
   * 1 for channels-first `[B, C, H, W]`. Negative values count from the end.
   */
  axis?: number;
  /** Which kernel computes the loss: 'auto' (wasm when it loads, else JS), 'wasm' or 'js'. */
  backend?: BackendChoice;
}

/** Options of {@link tfBinaryFocalLoss}. Every field is optional; they are checked when the loss is created. */
export interface TfBinaryFocalLossOptions {
  /** Focusing parameter γ, finite, ≥ 0. Default 2. */
  gamma?: number;
  /** α in [0, 1] weighs positives, 1 − α negatives. Default: no weighting. */
  alpha?: number;
  /** yPred holds logits (no sigmoid in the model). Default false. */
  fromLogits?: boolean;
  /** Probabilities are clipped to [ε, 1 − ε] (1e-7 by default); 'auto' is 2⁻²³. */
  epsilon?: number | 'auto';
  /** s in [0, 1]: targets become y·(1 − s) + s / 2. Default 0. */
  labelSmoothing?: number;
  /** Poly-1: ε ≥ −1 adds ε·(1 − p_t)^(γ+1) to each element's focal term (α weighs the focal term only). Default 0. */
  poly1?: number;
  /** 'mean' (default): over every element of yPred (Keras' BinaryFocalCrossentropy); 'sum'. */
  reduction?: TfReduction;
  /** K, the labels per sample: yPred's label axis must be this long. Default: not checked. */
  classes?: number;
  /** yPred's label axis (where `classes` is checked): -1 (default), the last. Every element counts alike in the loss. */
  axis?: number;
  /** Which kernel computes the loss: 'auto' (default), 'wasm' or 'js'. */
  backend?: BackendChoice;
}

/** Options of {@link tfAsymmetricLoss}. Every field is optional; they are checked when the loss is created. */
export interface TfAsymmetricLossOptions {
  /** γ₊ ≥ 0, the focusing of positives. Default 0. */
  gammaPos?: number;
  /** γ₋ ≥ 0, the focusing of negatives. Default 4. */
  gammaNeg?: number;
  /** The probability margin m in [0, 1): negatives with p ≤ m count 0. Default 0.05. */
  clip?: number;
  /** yPred holds logits (no sigmoid in the model). Default false. */
  fromLogits?: boolean;
  /** Probabilities are clipped to [ε, 1 − ε] (1e-7 by default); 'auto' is 2⁻²³. */
  epsilon?: number | 'auto';
  /** 'mean' (default): over every element of yPred; 'sum': the reference implementation's value. */
  reduction?: TfReduction;
  /** K, the labels per sample: yPred's label axis must be this long. Default: not checked. */
  classes?: number;
  /** yPred's label axis (where `classes` is checked): -1 (default), the last. Every element counts alike in the loss. */
  axis?: number;
  /** Which kernel computes the loss: 'auto' (default), 'wasm' or 'js'. */
  backend?: BackendChoice;
}

/** A loss (or metric) function for TensorFlow.js: the batch's focal loss as a scalar tensor. */
export type TfLossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

/** The options, checked by the schema; reduction is one of the two a scalar loss has. */
function readTfOptions<S extends LossSettings>(spec: LossSpec<S>, fn: string, value: unknown): S {
  const s = readSettings(spec, fn, 'tfjs', value);
  if (s.reduction !== 'mean' && s.reduction !== 'sum') {
    throw fail(RangeError, fn)`reduction must be "mean" or "sum" (the loss is one scalar), got ${show(s.reduction)}`;
  }
  return s;
}

/**
 * Multi-class (softmax) focal loss for TensorFlow.js, FL = −α_t · (1 − p_t)^γ · ln p_t, as a
 * function `(yTrue, yPred) => tf.Scalar` for `model.compile({ loss })`, as a metric, or in
 * `tf.variableGrads` / `optimizer.minimize` loops.
 *
 * - `yPred`: `[N, C]` probabilities (a softmax output) or logits with `fromLogits`; any rank ≥ 2
 *   works, the last axis (or `axis`) being the classes and every other position a sample:
 *   `[B, H, W, C]` segmentation maps give one loss term per pixel.
 * - `yTrue`: targets of yPred's shape (one-hot or soft, what tfjs-layers passes), or class
 *   indices of yPred's shape without the class axis (`[N]`, `[B, H, W]`), or with it of length 1
 *   (`[N, 1]`, `[B, H, W, 1]`) (int32, or float32 holding integers). The gradient has yPred's shape.
 *
 * The forward pass reads both tensors with `dataSync()` and runs this package's kernel once for
 * the loss and its gradient (float64 inside, the gradient stored as float32); the backward pass
 * returns `dy · gradient` for yPred and zeros for yTrue. Every tensor it creates is disposed or
 * returned. On a GPU backend (webgl, webgpu) `dataSync()` waits for the GPU and copies yPred to
 * the CPU each step, and the gradient is uploaded back in the backward pass.
 *
 * Probabilities a GPU softmax rounds to slightly outside [0, 1] (by ≤ 1e-5) are clamped into it,
 * which changes nothing since they are clipped to [ε, 1 − ε] anyway; other invalid values (NaN,
 * a probability of 1.5, a label out of range) throw a RangeError at the call.
 *
 * The loss is one scalar, so `model.fit`'s `sampleWeight` / `classWeight` only scale it by the
 * batch's mean weight: weigh classes with `alpha`.
 *
 * @param options - see {@link TfFocalLossOptions}; checked here (TypeError / RangeError naming
 *   the option), except alpha's length against C when `classes` is not given.
 * @returns the loss function; its `name` is `focalLoss` (tfjs-layers logs metrics by it).
 *
 * @example
 * ```ts
 * import { tfFocalLoss } from 'focal-loss-wasm/tfjs';
 * model.compile({ optimizer: 'adam', loss: tfFocalLoss({ gamma: 2, alpha: [0.25, 0.5, 1] }) });
 * ```
 */
export function tfFocalLoss(options?: TfFocalLossOptions): TfLossFunction {
  const fn = 'tfFocalLoss';
  const s = readTfOptions(focal, fn, options);
  if (s.classes !== undefined && s.alpha instanceof Float64Array && s.alpha.length !== s.classes) {
    throw fail(RangeError, fn)`alpha has ${s.alpha.length} weights but classes is ${s.classes}`;
  }
  // The checked settings are kept: later changes to the caller's options object change nothing.

  return lossFunction('focalLoss', fn, (yTrue, yPred) => {
    if (yPred.rank < 2) {
      throw fail(RangeError, fn)`yPred must have shape [N, C] (or [..., C]), got ${shapeOf(yPred)}`;
    }
    noValues(fn, yPred, 'one sample and one class');
    const shape = yPred.shape;
    const a = classAxis(fn, s.axis, yPred);
    const c = shape[a];
    if (s.classes !== undefined && c !== s.classes) {
      throw fail(RangeError, fn)`yPred has ${c} classes (axis ${s.axis} of ${shapeOf(yPred)}) but classes is ${s.classes}`;
    }
    const lead = shape.filter((_, k) => k !== a);
    const single = shape.map((d, k) => (k === a ? 1 : d));
    let targets: ArrayLike<number> | { data: TensorValues; shape: number[] };
    const truth = values(fn, 'yTrue', yTrue, ['float32', 'int32', 'bool']);
    if (sameShape(yTrue.shape, shape)) {
      targets = { data: truth, shape };
    } else if (sameShape(yTrue.shape, lead) || sameShape(yTrue.shape, single)) {
      targets = truth;
    } else {
      throw fail(RangeError, fn)`yTrue has shape ${shapeOf(yTrue)} but yPred has shape ${shapeOf(yPred)}; expected ${dims(shape)} (one-hot or soft target rows), or ${dims(lead)} or ${dims(single)} (class indices)`;
    }
    const pred = probabilities(values(fn, 'yPred', yPred, ['float32']), s.fromLogits);
    const grad = new Float32Array(yPred.size);
    const loss = lossAndGradOf(focal, { ...s, classes: c, gradOut: grad }, targets, { data: pred, shape }).loss as number;
    return { loss, grad };
  });
}

/**
 * Sigmoid (binary, multi-label) focal loss for TensorFlow.js, per element
 * α_t · (1 − p_t)^γ · BCE(y, p) as Keras' `BinaryFocalCrossentropy` and torchvision's
 * `sigmoid_focal_loss`, as a function `(yTrue, yPred) => tf.Scalar`.
 *
 * `yTrue` (targets in [0, 1], 0/1 or soft) and `yPred` (probabilities, or logits with
 * `fromLogits`) have the same shape, `[N]` or `[N, K]` or any other (a trailing dimension of 1
 * on either side is accepted). `'mean'` averages over every element. Everything else is as for
 * {@link tfFocalLoss}: one kernel call per step through `dataSync()`, `dy · gradient` for yPred
 * and zeros for yTrue in the backward pass, every created tensor disposed.
 *
 * @param options - see {@link TfBinaryFocalLossOptions}; checked here (TypeError / RangeError
 *   naming the option).
 * @returns the loss function; its `name` is `binaryFocalLoss`.
 */
export function tfBinaryFocalLoss(options?: TfBinaryFocalLossOptions): TfLossFunction {
  const fn = 'tfBinaryFocalLoss';
  return elementLoss(binaryFocal, fn, readTfOptions(binaryFocal, fn, options));
}

/**
 * Asymmetric loss (Ridnik et al., ICCV 2021) for multi-label models in TensorFlow.js, per
 * element −[y·(1 − p)^γ₊·ln p + (1 − y)·p_m^γ₋·ln(1 − p_m)], p_m = max(p − m, 0), as
 * {@link asymmetricLoss} computes it, as a function `(yTrue, yPred) => tf.Scalar`. Shapes,
 * reductions and the forward and backward passes are those of {@link tfBinaryFocalLoss}.
 *
 * @param options - see {@link TfAsymmetricLossOptions}; checked here.
 * @returns the loss function; its `name` is `asymmetricLoss`.
 */
export function tfAsymmetricLoss(options?: TfAsymmetricLossOptions): TfLossFunction {
  const fn = 'tfAsymmetricLoss';
  return elementLoss(asymmetric, fn, readTfOptions(asymmetric, fn, options));
}

/** An element-wise loss (targets of yPred's shape) as a TF.js loss function. */
function elementLoss<S extends LossSettings>(spec: LossSpec<S>, fn: string, s: S): TfLossFunction {
  return lossFunction(spec.name, fn, (yTrue, yPred) => {
    if (yPred.size !== yTrue.size || !sameShape(squeezeLast(yTrue.shape), squeezeLast(yPred.shape))) {
      throw fail(RangeError, fn)`yTrue and yPred must have the same shape, got ${shapeOf(yTrue)} and ${shapeOf(yPred)}`;
    }
    noValues(fn, yPred, 'one element');
    const labels = yPred.rank === 0 ? 1 : yPred.shape[classAxis(fn, s.axis, yPred)];
    if (s.classes !== undefined && labels !== s.classes) {
      throw fail(RangeError, fn)`yPred has ${labels} labels (axis ${s.axis} of ${shapeOf(yPred)}) but classes is ${s.classes}`;
    }
    const truth = values(fn, 'yTrue', yTrue, ['float32', 'int32', 'bool']);
    const pred = probabilities(values(fn, 'yPred', yPred, ['float32']), s.fromLogits);
    const grad = new Float32Array(yPred.size);
    // Every element is one term of the mean, whatever K: the values go flat.
    const loss = lossAndGradOf(spec, { ...s, classes: undefined, gradOut: grad }, truth, pred).loss as number;
    return { loss, grad };
  });
}

/**
 * The loss as a tf.customGrad op: `compute` runs once in the forward pass and gives the value
 * and the gradient with respect to yPred; the backward pass scales that gradient by dy.
 */
function lossFunction(
  name: string, fn: string, compute: (yTrue: tf.Tensor, yPred: tf.Tensor) => { loss: number; grad: Float32Array },
): TfLossFunction {
  const op = tf.customGrad(((yTrue: tf.Tensor, yPred: tf.Tensor) => {
    const { loss, grad } = compute(yTrue, yPred);
    const predShape = yPred.shape;
    const trueShape = yTrue.shape;
    return {
      value: tf.scalar(loss),
      // Tensors made here live in the gradient computation's tidy scope: only the returned
      // gradients survive it. The Float32Array is fresh per call (tfjs' cpu backend keeps the
      // array it is given), so two forward passes before one backward pass cannot mix.
      gradFunc: (dy: tf.Tensor) => [tf.zeros(trueShape), tf.mul(dy, tf.tensor(grad, predShape, 'float32'))],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;
  const loss = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar => {
    checkTensor(fn, 'yTrue', yTrue);
    checkTensor(fn, 'yPred', yPred);
    return op(yTrue, yPred);
  };
  Object.defineProperty(loss, 'name', { value: name });
  return loss;
}

function checkTensor(fn: string, name: string, value: unknown): void {
  if (!(value instanceof tf.Tensor)) {
    const hint = typeof value === 'object' && value !== null && typeof (value as tf.Tensor).dataSync === 'function'
      ? ' from another copy of @tensorflow/tfjs-core (install one copy, which focal-loss-wasm/tfjs shares)'
      : '';
    throw fail(TypeError, fn)`${name} must be a tf.Tensor${hint}, got ${describe(value)}`;
  }
  // TF.js' own "Tensor is disposed." would not say which.
  if (value.isDisposed) throw fail(TypeError, fn)`${name} is a disposed tensor (dispose() was called on it, or the tf.tidy that made it has ended)`;
}

/** A RangeError for a yPred with a dimension of 0 (a batch needs `what`). */
function noValues(fn: string, yPred: tf.Tensor, what: string): void {
  if (yPred.size === 0) throw fail(RangeError, fn)`yPred has shape ${shapeOf(yPred)}, which holds no values: a batch needs at least ${what}`;
}

type TensorValues = Float32Array | Int32Array | Uint8Array;

function values(fn: string, name: string, t: tf.Tensor, dtypes: string[]): TensorValues {
  if (!dtypes.includes(t.dtype)) {
    throw fail(TypeError, fn)`${name} must be a ${dtypes.join(' or ')} tensor, got ${t.dtype}`;
  }
  return t.dataSync() as TensorValues;
}

/** Largest overshoot of [0, 1] a float32 (GPU) softmax or sigmoid is forgiven. */
const ROUNDING = 1e-5;

/** Probabilities rounded just outside [0, 1] clamped into it (a copy, made only when needed). */
function probabilities(p: TensorValues, fromLogits: boolean): TensorValues {
  if (fromLogits) return p;
  let copy: Float32Array | null = null;
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if ((v < 0 && v >= -ROUNDING) || (v > 1 && v <= 1 + ROUNDING)) {
      copy ??= Float32Array.from(p);
      copy[i] = v < 0 ? 0 : 1;
    }
  }
  return copy ?? p;
}

/** The class (label) axis of yPred, counted from the start; negative axes count from the end. */
function classAxis(fn: string, axis: number, yPred: tf.Tensor): number {
  const a = axis < 0 ? yPred.rank + axis : axis;
  if (a < 0 || a >= yPred.rank) {
    throw fail(RangeError, fn)`axis is ${axis}, outside yPred ${shapeOf(yPred)} of rank ${yPred.rank}: pass an axis in [${-yPred.rank}, ${yPred.rank - 1}]`;
  }
  return a;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
const squeezeLast = (s: readonly number[]): readonly number[] => (s.length > 1 && s[s.length - 1] === 1 ? s.slice(0, -1) : s);
const dims = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
const shapeOf = (t: tf.Tensor): string => dims(t.shape);
