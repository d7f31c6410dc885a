import { flatName, labelError, logitError, probabilityError, show, targetError } from '../errors.js';
import type { Batch } from '../shape.js';

// A kernel reports only which row it stopped at; these look at that row as the caller gave
// it and say what is wrong, in the order the kernel checks. They run only on that error path.

/** Entry c of row i of yPred (or of another argument of the batch's layout), and its name. */
function cell(batch: Batch, values: ArrayLike<unknown>, rows: boolean, argument: string, i: number, c: number): [unknown, string] {
  if (rows) return [(values[i] as ArrayLike<unknown>)[c], `${argument}[${i}][${c}]`];
  return [values[i * batch.classes + c], flatName(argument, i, batch.classes, c)];
}

const predRow = (batch: Batch, i: number): ArrayLike<unknown> =>
  batch.predRows
    ? (batch.yPred[i] as ArrayLike<unknown>)
    : Array.from({ length: batch.classes }, (_, c) => batch.yPred[i * batch.classes + c]);

function label(batch: Batch, i: number, ignoreIndex: number | undefined): Error | number {
  const t = batch.yTrue[i];
  if (typeof t === 'number' && Number.isInteger(t) && t >= 0 && t < batch.classes) return t;
  return labelError(batch.fn, `${batch.trueName}[${i}]`, t, batch.classes, ignoreIndex, batch.shape);
}

export function explainProbability(batch: Batch, i: number, ignoreIndex: number | undefined): Error {
  const t = label(batch, i, ignoreIndex);
  if (t instanceof Error) return t;
  const [x, name] = cell(batch, batch.yPred, batch.predRows, batch.predName, i, t);
  return probabilityError(batch.fn, name, x);
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
    const [x, name] = cell(batch, batch.yPred, batch.predRows, batch.predName, i, c);
    if (reads(c) && !(typeof x === 'number' && x >= 0 && x <= 1)) return probabilityError(batch.fn, name, x);
  }
  return internal(batch, i);
}

function explainLogitRow(batch: Batch, i: number): Error {
  const name = (c: number) => cell(batch, batch.yPred, batch.predRows, batch.predName, i, c)[1];
  const rowName = batch.predRows ? `${batch.predName}[${i}]` : `${batch.predName}[${i * batch.classes}..${(i + 1) * batch.classes - 1}]`;
  return logitError(batch.fn, i, predRow(batch, i), name, rowName);
}

export function explainBinary(batch: Batch, i: number, fromLogits: boolean): Error {
  for (let k = 0; k < batch.classes; k++) {
    const [v, name] = cell(batch, batch.yPred, batch.predRows, batch.predName, i, k);
    if (fromLogits ? typeof v !== 'number' || Number.isNaN(v) : !(typeof v === 'number' && v >= 0 && v <= 1)) {
      if (!fromLogits) return probabilityError(batch.fn, name, v);
      return typeof v === 'number'
        ? new RangeError(`${batch.fn}: ${name} = ${show(v)} is not a valid logit`)
        : probabilityError(batch.fn, name, v);
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
