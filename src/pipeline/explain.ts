import { entry, fail, type EntryRef } from '../errors/detail.js';
import { labelError, logitError, probabilityError, targetError } from '../errors/input.js';
import { show } from '../errors/show.js';
import { isBigIntArray } from '../layout/argument.js';
import type { Batch } from '../shape.js';

// A kernel reports only which row it stopped at; these look at that row as the caller gave
// it and say what is wrong, in the order the kernel checks. They run only on that error path.

/** Entry c of row i of yPred (or of another argument in the batch's layout), and where it is. */
function cell(batch: Batch, values: ArrayLike<unknown>, rows: boolean, argument: string, i: number, c: number): [unknown, EntryRef] {
  if (rows) return [(values[i] as ArrayLike<unknown>)[c], entry(argument, { sample: i, class: c })];
  return [values[batch.layout.index(i, c)], batch.layout.entry(argument, i, c)];
}

const predRow = (batch: Batch, i: number): ArrayLike<unknown> =>
  batch.predRows
    ? (batch.yPred[i] as ArrayLike<unknown>)
    : Array.from({ length: batch.classes }, (_, c) => batch.yPred[batch.layout.index(i, c)]);

function label(batch: Batch, i: number, ignoreIndex: number | undefined): Error | number {
  const given = batch.yTrue[i];
  // Int64 labels (a BigInt64Array) are read as the numbers they hold.
  const int64 = isBigIntArray(batch.yTrue);
  const t = int64 && (given as bigint) >= 0n && (given as bigint) < BigInt(batch.classes) ? Number(given) : given;
  if (typeof t === 'number' && Number.isInteger(t) && t >= 0 && t < batch.classes) return t;
  return labelError(batch.fn, batch.layout.sampleEntry(batch.trueName, i), t, batch.classes, ignoreIndex, batch.shape, int64);
}

export function explainProbability(batch: Batch, i: number, ignoreIndex: number | undefined): Error {
  const t = label(batch, i, ignoreIndex);
  if (t instanceof Error) return t;
  const [x, at] = cell(batch, batch.yPred, batch.predRows, batch.predName, i, t);
  return probabilityError(batch.fn, at, x);
}

export function explainLogit(batch: Batch, i: number, ignoreIndex: number | undefined): Error {
  const t = label(batch, i, ignoreIndex);
  if (t instanceof Error) return t;
  return explainLogitRow(batch, i);
}

/** Target rows (or smoothed labels when `labels`): `reads(c)` says whether the loss reads entry c. */
export function explainTargetRow(
  batch: Batch, i: number, fromLogits: boolean, labels: boolean, ignoreIndex: number | undefined, reads: (c: number) => boolean,
): Error {
  if (labels) {
    const t = label(batch, i, ignoreIndex);
    if (t instanceof Error) return t;
  }
  if (fromLogits) return explainLogitRow(batch, i);
  for (let c = 0; c < batch.classes; c++) {
    const [x, at] = cell(batch, batch.yPred, batch.predRows, batch.predName, i, c);
    if (reads(c) && !(typeof x === 'number' && x >= 0 && x <= 1)) return probabilityError(batch.fn, at, x);
  }
  return internal(batch, i);
}

function explainLogitRow(batch: Batch, i: number): Error {
  const at = (c: number) => cell(batch, batch.yPred, batch.predRows, batch.predName, i, c)[1];
  const { layout } = batch;
  let row = layout.rowEntry(batch.predName, i);
  if (batch.predRows) row = entry(batch.predName, { sample: i });
  else if (layout.rowMajor && !layout.coordinates) row = entry(`${batch.predName}[${layout.index(i, 0)}..${layout.index(i, batch.classes - 1)}]`);
  return logitError(batch.fn, i, predRow(batch, i), at, row);
}

export function explainBinary(batch: Batch, i: number, fromLogits: boolean): Error {
  for (let k = 0; k < batch.classes; k++) {
    const [v, at] = cell(batch, batch.yPred, batch.predRows, batch.predName, i, k);
    if (fromLogits ? typeof v !== 'number' || Number.isNaN(v) : !(typeof v === 'number' && v >= 0 && v <= 1)) {
      if (!fromLogits) return probabilityError(batch.fn, at, v);
      return typeof v === 'number' ? fail(RangeError, batch.fn)`${at} = ${show(v)} is not a valid logit` : probabilityError(batch.fn, at, v);
    }
    const [y, where] = cell(batch, batch.yTrue, batch.trueRows, batch.trueName, i, k);
    if (!(typeof y === 'number' && y >= 0 && y <= 1)) return targetError(batch.fn, where, y);
  }
  return internal(batch, i);
}

/** A row the kernel rejected but that looks valid now: the input changed under the call. */
export function internal(batch: Batch, i: number): Error {
  return new Error(`${batch.fn}: row ${i} was rejected by the kernel but reads as valid now; was the input modified during the call?`);
}
