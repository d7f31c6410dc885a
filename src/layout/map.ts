import { fail, option, words, type Words } from '../errors/detail.js';
import { count } from '../errors/show.js';
import { shapeText, type Argument } from './argument.js';
import { Layout } from './layout.js';

/** A batch whose yPred has dimensions: where its classes lie and what yTrue holds. */
export interface MapShape {
  readonly layout: Layout;
  /** yTrue holds one target per entry of yPred (rows, or flat in yPred's layout), not one class index per sample. */
  readonly targets: boolean;
  /** The batch's first dimension (images): a sampleWeight of this length weighs each image's samples alike. */
  readonly images: number;
  /** The shape aside of messages. */
  readonly aside: string;
}

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
const without = (dims: readonly number[], axis: number): number[] => dims.filter((_, k) => k !== axis);
const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, k) => d === b[k]);

/** The axis counted from the start, or a RangeError naming yPred's rank. */
function normalise(fn: string, axis: number, dims: readonly number[]): number {
  const rank = dims.length;
  const a = axis < 0 ? rank + axis : axis;
  if (a < 0 || a >= rank) {
    throw fail(RangeError, fn)`${option('axis')} is ${axis}, outside yPred ${shapeText(dims)} of rank ${rank}: pass an axis in [${-rank}, ${rank - 1}]`;
  }
  return a;
}

/** "; yPred [...] with yTrue [...] fits classes on axis k: pass axis: k", for each axis that fits, or nothing. */
function fits(dims: readonly number[], axis: number, what: Words, fit: (k: number) => boolean): Words {
  const axes = dims.map((_, k) => k).filter((k) => k !== axis && fit(k));
  if (axes.length === 0) return [];
  const passes = axes.map((k) => words`${option('axis', k)}`);
  const or = passes.flatMap((p, k) => (k === 0 ? [...p] : [' or ', ...p]));
  return words`; yPred ${shapeText(dims)} with ${what} fits classes on axis ${axes.join(' or ')}: pass ${or}`;
}

/**
 * yPred of shape `dims` with its classes on `axisGiven` (negative: from the end): its layout,
 * and what yTrue holds, checked against it. focalLoss takes class indices of yPred's shape
 * without the class axis (or with it of length 1) or targets of yPred's shape; binaryFocalLoss
 * takes targets of yPred's shape. `classes`, if given, must be the class axis' length.
 */
export function mapShape(
  fn: string, truth: Argument, dims: number[], axisGiven: number, classes: number | undefined, binary: boolean,
): MapShape {
  const layout = mapLayout(fn, dims, axisGiven, classes, binary);
  const { axis } = layout.shape!;
  const { samples: n, classes: C, inner } = layout;
  const kind = binary ? 'labels' : 'classes';
  const on = `on axis ${axisGiven}`;
  const labels = without(dims, axis);

  let targets: boolean;
  if (truth.rows) {
    targets = true;
  } else if (truth.dims !== null) {
    const t = truth.dims;
    if (same(t, dims)) targets = true;
    else if (!binary && (same(t, labels) || (same(without(t, axis), labels) && t[axis] === 1))) targets = false;
    else if (binary) throw fail(RangeError, fn)`yTrue ${shapeText(t)} and yPred ${shapeText(dims)} must have the same shape`;
    else {
      const hint = fits(dims, axis, [`yTrue ${shapeText(t)}`], (k) => same(without(dims, k), t));
      throw fail(RangeError, fn)`yTrue ${shapeText(t)} does not fit yPred ${shapeText(dims)} with classes ${on}: expected class indices of shape ${shapeText(labels)}, or targets of shape ${shapeText(dims)}${hint}`;
    }
  } else if (!binary && truth.length === n) {
    targets = false;
  } else if (truth.length === n * C) {
    targets = true;
  } else if (binary) {
    throw fail(RangeError, fn)`yTrue has ${truth.length} values but yPred ${shapeText(dims)} has ${n * C}; they must have the same shape`;
  } else {
    const hint = fits(dims, axis, [`${truth.length} labels`], (k) => product(dims) / dims[k] === truth.length);
    throw fail(RangeError, fn)`yTrue has ${truth.length} values, but yPred ${shapeText(dims)} with classes ${on} has ${n} samples: expected ${n} class indices, or ${n * C} targets${hint}`;
  }
  const images = labels.length > 0 ? labels[0] : 1;
  const rows = dims.length === 2 && inner === 1;
  const aside = rows
    ? ` (the batch is ${count(n, binary ? 'row' : 'sample')} × ${count(C, binary ? 'label' : 'class')})`
    : ` (yPred ${shapeText(dims)} with ${kind} ${on}: ${count(n, 'sample')} × ${count(C, binary ? 'label' : 'class')})`;
  return { layout, targets, images, aside };
}

/** The layout of yPred of shape `dims` with its classes on `axisGiven`; `classes`, if given, must be that axis' length. */
export function mapLayout(fn: string, dims: number[], axisGiven: number, classes: number | undefined, binary = false): Layout {
  const axis = normalise(fn, axisGiven, dims);
  const C = dims[axis];
  const inner = product(dims.slice(axis + 1));
  const n = product(dims.slice(0, axis)) * inner;
  const kind = binary ? 'labels' : 'classes';
  const on = `on axis ${axisGiven}`;
  if (classes !== undefined && classes !== C) {
    const hint = fits(dims, axis, words`${option('classes')} = ${classes}`, (k) => dims[k] === classes);
    throw fail(RangeError, fn)`${option('classes')} is ${classes}, but yPred ${shapeText(dims)} has ${C} ${kind} ${on}${hint}`;
  }
  if (C === 0) throw fail(RangeError, fn)`yPred ${shapeText(dims)} has no ${kind} ${on}; need at least one`;
  if (n === 0) throw fail(RangeError, fn)`empty batch: yPred ${shapeText(dims)} has no samples`;
  return new Layout(n, C, inner, { dims, axis });
}
