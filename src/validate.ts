import { describeValue } from './layout.js';
import { isArrayLike, show } from './options.js';

// Error builders, kept out of the hot loops: those only test a condition and call these.

export function labelError(
  i: number, label: unknown, classes: number, ignoreIndex: number | undefined, argument = 'yTrue', fn = 'focalLoss',
): Error {
  if (typeof label !== 'number') return notANumber(`${argument}[${i}]`, label, fn);
  const ignore = ignoreIndex === undefined ? '' : ` (or the ignoreIndex ${ignoreIndex})`;
  return new RangeError(
    `${fn}: ${argument}[${i}] = ${show(label)} is not a class index: expected an integer in [0, ${classes})${ignore}`,
  );
}

export function rowError(i: number, row: unknown, classes: number): Error {
  if (!isArrayLike(row)) return new TypeError(`focalLoss: yPred[${i}] must be an array of ${classes} numbers, got ${describeValue(row)}`);
  return new RangeError(
    `focalLoss: ragged yPred: row ${i} has length ${row.length}, expected ${classes} like yPred[0]`,
  );
}

/** `where` names the entry, e.g. "yPred[3][1]" or "yPred[7] (sample 3, class 1)". */
export function probabilityError(where: string, value: unknown, fn = 'focalLoss'): Error {
  if (typeof value !== 'number') return notANumber(where, value, fn);
  const hint = Number.isNaN(value) ? '' : '; if yPred holds logits, pass fromLogits: true';
  return new RangeError(`${fn}: ${where} = ${show(value)} is not a probability in [0, 1]${hint}`);
}

/** A target value outside [0, 1] (one-hot, soft or binary targets). */
export function targetError(where: string, value: unknown, fn = 'focalLoss'): Error {
  if (typeof value !== 'number') return notANumber(where, value, fn);
  return new RangeError(`${fn}: ${where} = ${show(value)} is not a target in [0, 1]`);
}

export function targetRowError(i: number, row: unknown, classes: number): Error {
  if (!isArrayLike(row)) return new TypeError(`focalLoss: yTrue[${i}] must be a row of ${classes} targets, got ${describeValue(row)}`);
  return new RangeError(`focalLoss: yTrue[${i}] has ${row.length} targets, expected ${classes} like yPred`);
}

/** The first entry of a logit row that the kernel rejected, or the row itself when all are -Infinity. */
export function logitError(i: number, row: ArrayLike<unknown>, name: (c: number) => string, fn = 'focalLoss'): Error {
  for (let c = 0; c < row.length; c++) {
    const v = row[c];
    if (typeof v !== 'number') return notANumber(name(c), v, fn);
    if (Number.isNaN(v) || v === Infinity) {
      return new RangeError(`${fn}: ${name(c)} = ${show(v)} is not a valid logit (sample ${i})`);
    }
  }
  return new RangeError(`${fn}: sample ${i} has no finite logit (every entry of its row is -Infinity)`);
}

export function flatName(i: number, classes: number, c: number, argument = 'yPred'): string {
  return `${argument}[${i * classes + c}] (sample ${i}, class ${c})`;
}

export function notANumber(where: string, value: unknown, fn = 'focalLoss'): TypeError {
  return new TypeError(`${fn}: ${where} = ${show(value)} is not a number`);
}
