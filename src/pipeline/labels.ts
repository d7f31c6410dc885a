import type { KernelInstance } from '../backend/instance.js';
import { labelError } from '../errors/input.js';
import { isBigIntArray } from '../layout/argument.js';
import type { Batch } from '../shape.js';

/** Class indices as the kernels read them, with the ignore rule that applies to them. */
export interface LabelSource {
  readonly ignore: number;
  readonly hasIgnore: boolean;
  /** Labels [start, start + m), validated or raw (the kernel then checks them). */
  fill(start: number, m: number): ArrayLike<number>;
}

type IntArray = Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array;

/** Typed arrays whose every value is an exact Int32: copied (or read) raw and checked by the kernel. */
export function isIntArray(value: unknown): value is IntArray {
  return value instanceof Int32Array || value instanceof Int16Array || value instanceof Int8Array ||
    value instanceof Uint8Array || value instanceof Uint16Array;
}

/** The ignore rule for raw Int32 labels: an ignoreIndex outside the Int32 range can match none. */
export function int32Ignore(ignoreIndex: number | undefined): { ignore: number; hasIgnore: boolean } {
  return ignoreIndex !== undefined && (ignoreIndex | 0) === ignoreIndex
    ? { ignore: ignoreIndex, hasIgnore: true }
    : { ignore: 0, hasIgnore: false };
}

export function labelSource(batch: Batch, instance: KernelInstance, view: Int32Array, ignoreIndex: number | undefined): LabelSource {
  const y = batch.yTrue;
  if (isIntArray(y)) {
    const inPlace = instance.reads(y);
    return {
      ...int32Ignore(ignoreIndex),
      fill(start, m) {
        if (inPlace) return y.subarray(start, start + m);
        view.set(y.subarray(start, start + m));
        return view;
      },
    };
  }
  // Anything else may hold anything: every label is checked here, and ignored ones become -1.
  const { fn, classes, shape, layout } = batch;
  const hasIgnore = ignoreIndex !== undefined;
  const bad = (i: number, t: unknown) => labelError(fn, layout.sampleEntry(batch.trueName, i), t, classes, ignoreIndex, shape, isBigIntArray(y));
  if (isBigIntArray(y)) {
    return { ignore: -1, hasIgnore, fill: (start, m) => bigIntLabels(y, start, m, view, classes, ignoreIndex, bad) };
  }
  return {
    ignore: -1,
    hasIgnore,
    fill(start, m) {
      for (let j = 0; j < m; j++) {
        const t = y[start + j];
        if (hasIgnore && t === ignoreIndex) view[j] = -1;
        else if (typeof t === 'number' && t >>> 0 === t && t < classes) view[j] = t;
        else throw bad(start + j, t);
      }
      return view;
    },
  };
}

/**
 * Int64 class indices (ONNX Runtime's labels, NumPy's int64) of samples [start, start + m)
 * into `view`, -1 where ignored: each one checked to be a class index or the ignore index.
 */
export function bigIntLabels(
  y: BigInt64Array | BigUint64Array, start: number, m: number, view: Int32Array, classes: number, ignoreIndex: number | undefined,
  bad: (i: number, t: unknown) => Error,
): Int32Array {
  const ignore = ignoreIndex === undefined ? null : BigInt(ignoreIndex);
  const C = BigInt(classes);
  for (let j = 0; j < m; j++) {
    const t = y[start + j];
    if (t === ignore) view[j] = -1;
    else if (t >= 0n && t < C) view[j] = Number(t);
    else throw bad(start + j, t);
  }
  return view;
}
